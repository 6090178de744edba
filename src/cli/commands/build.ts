/**
 * `berth build` / `berth image build` (the classic builder's flags and output)
 * and `berth builder prune`. The context is packed by src/client/build-context.ts
 * as the docker CLI packs it; a Dockerfile from stdin goes under a private name.
 */
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { NotSupportedError, UsageError } from '../../common/errors.js';
import { jsonLines } from '../../client/engine-client.js';
import { collect, confirm, ExitError, type CliContext } from '../context.js';
import { humanSize } from '../../client/format/units.js';
import { plainProgress, progressMode, TtyProgress, type ProgressSink } from '../../client/format/build-progress.js';
import { parseCallFlag, runBuildCheck } from './build-check.js';
import { encodeSecrets, looksLikeArchive, packContext, parseSecretFlag, registryConfigHeaders, SECRETS_HEADER, tarOfOneFile } from '../../client/build-context.js';
import { preparePushSign, pushAndSign } from './build-push-sign.js';


async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

function parseBuildArgs(list: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i < 0) out[a] = process.env[a] ?? null; // Docker: take the value from the environment
    else out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

function parseLabels(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) { const i = l.indexOf('='); if (i < 0) out[l] = ''; else out[l.slice(0, i)] = l.slice(i + 1); }
  return out;
}

export function registerBuildCommands(program: Command, ctx: CliContext, image: Command): void {
  const define = (parent: Command) => parent.command('build').usage('[OPTIONS] PATH | URL | -').description('Build an image from a Dockerfile')
    .argument('<context>')
    .option('-t, --tag <name>', 'Name and optionally a tag in the "name:tag" format', collect, [])
    .option('-f, --file <string>', 'Name of the Dockerfile (Default is "PATH/Dockerfile")')
    .option('--build-arg <list>', 'Set build-time variables', collect, [])
    .option('--label <list>', 'Set metadata for an image', collect, [])
    .option('--target <string>', 'Set the target build stage to build')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option('--cache-from <strings>', 'Images to consider as cache sources', collect, [])
    .option('-q, --quiet', 'Suppress the build output and print image ID on success')
    .option('--iidfile <string>', 'Write the image ID to the file')
    .option('--network <string>', 'Set the networking mode for the RUN instructions during build', 'default')
    .option('--progress <string>', 'Set type of progress output ("auto", "quiet", "plain", "tty"). Use plain to show container output', 'auto')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('--rm', 'Remove intermediate containers after a successful build (always)', true)
    .option('--force-rm', 'Always remove intermediate containers (always)')
    .option('--secret <stringArray>', 'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]" or "id=x,env=VAR")', collect, [])
    .option('--sbom', 'Attach an SBOM (SPDX JSON) of the built image to it; push sends it as an OCI referrer')
    .option('--push', 'Push the image to its registry after the build (every -t name)')
    .option('--sign', 'Sign what --push pushed with --key (cosign\'s format), as `berth sign` does')
    .option('--key <string>', 'path to the private key file for --sign (cosign\'s encrypted format)')
    .option('--check', 'Shorthand for "--call=check"')
    .option('--call <string>', 'Set method for evaluating build ("build", "check", "check,format=json")')
    .action(async (context: string, o: any) => {
      const call = parseCallFlag(o.check ? 'check' : o.call);
      if (call.check) return runBuildCheck(ctx, context, o, call.format);
      const mode = progressMode(o.progress, !!o.quiet, !!process.stdout.isTTY);
      const quiet = mode === 'quiet';
      const pushSign = await preparePushSign(o, context === '-' || o.file === '-');
      const secrets = Object.fromEntries((o.secret as string[]).map((f) => parseSecretFlag(f, (p) => readFileSync(p), process.env)));
      const secretHeader = Object.keys(secrets).length ? { [SECRETS_HEADER]: encodeSecrets(secrets) } : undefined;
      if (/^(https?|git):\/\//.test(context) || context.endsWith('.git')) throw new NotSupportedError('building from a URL or git repository is not supported yet');
      let body: Readable | Buffer;
      let dockerfile: string | undefined;
      // node:crypto only when building: loading it costs every other CLI command ~3 ms
      const privateName = `.dockerfile.${(await import('node:crypto')).randomBytes(10).toString('hex')}`;
      if (context === '-') {
        if (o.file === '-') throw new UsageError('invalid argument: can\'t use stdin for both build context and dockerfile');
        const input = await readAll(process.stdin);
        if (looksLikeArchive(input)) { body = (await import('node:stream')).Readable.from([input]); dockerfile = o.file; }
        else { body = await tarOfOneFile('Dockerfile', input); dockerfile = 'Dockerfile'; }
      } else {
        const dir = resolve(context);
        try { if (!lstatSync(dir).isDirectory()) throw new Error(); } catch { throw new UsageError(`unable to prepare context: path "${context}" not found`); }
        let extra: { name: string; data: Buffer } | undefined;
        if (o.file === '-') { extra = { name: privateName, data: await readAll(process.stdin) }; dockerfile = privateName; }
        else if (o.file) {
          const abs = isAbsolute(o.file) ? o.file : resolve(o.file);
          const rel = relative(dir, abs);
          if (rel.startsWith('..') || isAbsolute(rel)) {
            let data: Buffer;
            try { data = readFileSync(abs); } catch { throw new UsageError(`unable to prepare context: the Dockerfile (${o.file}) cannot be read`); }
            extra = { name: privateName, data }; dockerfile = privateName;
          } else dockerfile = rel;
        }
        body = await packContext(dir, dockerfile, extra);
        if (mode === 'plain') ctx.out('Sending build context to berth daemon\n');
      }
      const client = await ctx.client();
      const res = await client.request('POST', '/build', {
        query: {
          t: o.tag.length ? o.tag : undefined, dockerfile, buildargs: JSON.stringify(parseBuildArgs(o.buildArg)),
          labels: JSON.stringify(parseLabels(o.label)), target: o.target, nocache: o.cache === false ? '1' : undefined,
          pull: o.pull ? '1' : undefined, cachefrom: o.cacheFrom.length ? JSON.stringify(o.cacheFrom) : undefined,
          q: quiet ? '1' : undefined, rm: '1', forcerm: o.forceRm ? '1' : undefined,
          networkmode: o.network, platform: o.platform, sbom: o.sbom ? '1' : undefined,
        },
        body, contentType: 'application/x-tar', headers: { ...secretHeader, ...registryConfigHeaders() },
      });
      let imageId = '';
      const sink: ProgressSink | undefined = mode === 'tty'
        ? new TtyProgress((t) => ctx.out(t), () => process.stdout)
        : mode === 'plain' ? plainProgress((t) => ctx.out(t)) : undefined;
      let ended = false;
      const end = (success: boolean): void => { if (!ended) { ended = true; sink?.finish(success); } };
      try {
        for await (const msg of jsonLines(res)) {
          if (msg.errorDetail || msg.error) {
            end(false);
            const message = msg.errorDetail?.message ?? msg.error;
            ctx.err(`${message}\n`);
            throw new ExitError(msg.errorDetail?.code || 1);
          }
          if (msg.aux?.ID) imageId = msg.aux.ID;
          if (typeof msg.stream === 'string') sink?.write(msg.stream);
        }
        end(true);
      } finally { end(false); }
      if (quiet) ctx.out(`${imageId}\n`);
      if (o.iidfile && imageId) writeFileSync(o.iidfile, imageId);
      if (pushSign) await pushAndSign(ctx, pushSign, quiet);
    });
  define(program);
  define(image);

  const builder = program.command('builder').usage('COMMAND').description('Manage builds');
  builder.command('prune').description('Remove build cache')
    .option('-a, --all', 'Remove all unused build cache, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=24h")', collect, [])
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--keep-storage <bytes>', 'Amount of disk space to keep for cache')
    .action(async (o: any) => {
      if (!o.force && !(await confirm('WARNING! This will remove all dangling build cache. Are you sure you want to continue?'))) return;
      const filters: Record<string, string[]> = {};
      for (const f of o.filter as string[]) {
        const i = f.indexOf('=');
        if (i < 0) throw new UsageError(`bad format of filter (expected name=value): ${f}`);
        (filters[f.slice(0, i)] ??= []).push(f.slice(i + 1));
      }
      const client = await ctx.client();
      const res = await client.json('POST', '/build/prune', { query: { 'keep-storage': o.keepStorage, all: o.all ? '1' : undefined, filters: JSON.stringify(filters) } }) as { CachesDeleted: string[]; SpaceReclaimed: number };
      if (res.CachesDeleted?.length) ctx.out(`Deleted build cache objects:\n${res.CachesDeleted.join('\n')}\n\n`);
      ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed ?? 0)}\n`);
    });
}
