/**
 * `berth sbom IMAGE | --container NAME | --dir PATH [--format …] [-o FILE]`: the packages in an
 * image or a container's filesystem (catalogued by the daemon) or in a local directory (catalogued
 * here, no daemon needed). `--format` takes table (default), json (berth's SBOM model), spdx-json,
 * cyclonedx-json, or a Go template run once per package, as `docker ps --format` is per container.
 * Files that could not be read are WARNING lines on stderr; the SBOM is still printed (exit 0) and
 * the document records that it is incomplete. `--attached` prints the SPDX document attached to the
 * image (by `berth build --sbom`, or pulled with it) as stored, instead of cataloguing the image now.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SystemError, UsageError } from '../../common/errors.js';
import type { Sbom } from '../../sbom/types.js';
import { readBody } from '../../client/engine-client.js';
import type { CliContext } from '../context.js';
import { sbomTools } from '../lazy-sbom.js';
import { renderPackages } from '../supply-chain-tables.js';

const enc = encodeURIComponent;
const DOCUMENT_FORMATS = new Set(['json', 'spdx-json', 'cyclonedx-json']);

/** Write the whole file or nothing: a temp file beside it, then rename over. */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const target = resolve(file);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { mode: 0o644, flag: 'wx' });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new SystemError(`cannot write ${file}: ${(e as Error).message}`, 'ERR_SBOM_OUTPUT', e);
  }
}

function warningLines(sbom: Sbom): string {
  if (sbom.warnings.length === 0) return '';
  const head = `WARNING: the SBOM is incomplete: ${sbom.warnings.length} file${sbom.warnings.length === 1 ? '' : 's'} could not be read\n`;
  return head + sbom.warnings.map((w) => `WARNING: ${w.path}${w.layerDigest ? ` (layer ${w.layerDigest})` : ''}: ${w.cataloger}: ${w.message}\n`).join('');
}

export function registerSbomCommands(program: Command, ctx: CliContext): void {
  program.command('sbom').usage('[OPTIONS] IMAGE | --container CONTAINER | --dir PATH')
    .description('List the packages in an image, a container or a directory (a software bill of materials)')
    .argument('[image]')
    .option('--container <string>', "Catalogue a container's current filesystem")
    .option('--dir <string>', 'Catalogue a local directory (no daemon needed)')
    .option('--attached', 'Print the SBOM attached to the image (build --sbom, pull) instead of cataloguing it')
    .option('--format <string>', 'Output format: table, json, spdx-json, cyclonedx-json, or a Go template over each package (default "table")')
    .option('-o, --output <string>', 'Write to a file instead of STDOUT')
    .action(async (image: string | undefined, o: { container?: string; dir?: string; attached?: boolean; format?: string; output?: string }) => {
      const targets = [image, o.container, o.dir].filter((t) => t !== undefined);
      if (targets.length !== 1) throw new UsageError('"sbom" requires exactly one of IMAGE, --container or --dir');
      const emit = async (text: string | Buffer) => {
        if (o.output) await writeFileAtomic(o.output, text);
        else ctx.out(typeof text === 'string' ? text : text.toString('utf8'));
      };
      if (o.attached) {
        if (image === undefined) throw new UsageError('--attached takes an IMAGE (SBOMs are attached to images)');
        if (o.format !== undefined && o.format !== 'spdx-json') throw new UsageError(`--attached prints the attached SPDX document: --format must be spdx-json, not "${o.format}"`);
        const client = await ctx.client();
        const res = await client.request('GET', `/berth/images/${enc(image)}/sbom/attached`);
        await emit(await readBody(res));
        return;
      }
      let sbom: Sbom;
      let attachedDigest: string | undefined;
      if (o.dir !== undefined) {
        sbom = await (await sbomTools()).directorySbom(o.dir);
      } else {
        const client = await ctx.client();
        const path = image !== undefined ? `/berth/images/${enc(image)}/sbom` : `/berth/containers/${enc(o.container!)}/sbom`;
        const res = await client.request('GET', path, { query: { format: 'json' } });
        const header = res.headers['x-berth-sbom-attached'];
        attachedDigest = typeof header === 'string' ? header : undefined;
        sbom = JSON.parse((await readBody(res)).toString('utf8')) as Sbom;
      }
      ctx.err(warningLines(sbom));
      const format = o.format || 'table';
      if (attachedDigest && !DOCUMENT_FORMATS.has(format)) {
        ctx.err(`NOTE: an SBOM is attached to this image (${attachedDigest}); \`berth sbom --attached ${image}\` prints it\n`);
      }
      await emit(DOCUMENT_FORMATS.has(format)
        ? JSON.stringify(await (await sbomTools()).sbomDocument(sbom, format), null, 2) + '\n'
        : renderPackages(format, sbom.packages));
    });
}
