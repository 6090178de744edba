/**
 * Image commands: images/image ls, tag, rmi, history, image inspect, image prune, import, pull,
 * and berth's `image bootstrap busybox|debian`.
 */
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { NotSupportedError, UsageError } from '../../common/errors.js';
import { DaemonError, encodeFilters, jsonLines } from '../../client/engine-client.js';
import { collect, confirm, forEachTarget, type CliContext } from '../context.js';
import { HISTORY_HEADERS, HistoryContext, IMAGE_HEADERS, ImageContext, imageRows } from '../../client/format/contexts.js';
import { renderItems } from '../../client/format/formatter.js';
import { listFormat } from '../config-formats.js';
import { humanSize } from '../../client/format/units.js';
import { inspectObjects } from './containers.js';
import { splitReference } from './run.js';

const enc = encodeURIComponent;

export const IMAGES_DEFAULT_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const IMAGES_DIGEST_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

export function registerImageCommands(program: Command, ctx: CliContext, group: Command): void {
  const listAction = async (repository: string | undefined, o: any) => {
    const client = await ctx.client();
    const filters: string[] = [...o.filter];
    if (repository) filters.push(`reference=${repository}`);
    const list = await client.json<any[]>('GET', '/images/json', { query: { all: o.all || undefined, digests: o.digests || undefined, filters: encodeFilters(filters) } });
    const trunc = o.trunc !== false;
    const format = o.quiet && !o.format ? '{{.ID}}' : listFormat('imagesFormat', o.format);
    const rows = list.flatMap((img) => imageRows(img).map((r) => new ImageContext(img, r, trunc)));
    ctx.out(renderItems({ format, defaultTable: o.digests ? IMAGES_DIGEST_TABLE : IMAGES_DEFAULT_TABLE, headers: IMAGE_HEADERS }, rows));
  };
  const defineList = (parent: Command, name: string) => parent.command(name).usage('[OPTIONS] [REPOSITORY[:TAG]]').description('List images')
    .argument('[repository]')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect, [])
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .option('--tree', 'List multi-platform images as a tree (not supported)')
    .action((repository: string | undefined, o: any) => {
      if (o.tree) throw new NotSupportedError('--tree is not supported by berth');
      return listAction(repository, o);
    });
  defineList(program, 'images');
  defineList(group, 'ls');
  defineList(group, 'list');

  const defineTag = (parent: Command) => parent.command('tag').usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]').description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>').argument('<target>')
    .action(async (source: string, target: string) => {
      const client = await ctx.client();
      const { name, tag } = splitReference(target);
      if (target.includes('@')) throw new UsageError('refusing to create a tag with a digest reference');
      await client.call('POST', `/images/${enc(source)}/tag`, { query: { repo: name, tag } });
    });
  defineTag(program);
  defineTag(group);

  const defineRmi = (parent: Command, name: string) => parent.command(name).usage('[OPTIONS] IMAGE [IMAGE...]').description('Remove one or more images')
    .argument('<images...>')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .action(async (images: string[], o: any) => {
      const client = await ctx.client();
      await forEachTarget(images, async (img) => {
        const items = await client.json<any[]>('DELETE', `/images/${enc(img)}`, { query: { force: o.force || undefined, noprune: o.prune === false || undefined } });
        for (const it of items ?? []) {
          if (it.Untagged) ctx.out(`Untagged: ${it.Untagged}\n`);
          if (it.Deleted) ctx.out(`Deleted: ${it.Deleted}\n`);
        }
      });
    });
  defineRmi(program, 'rmi');
  defineRmi(group, 'rm');
  defineRmi(group, 'remove');

  const defineHistory = (parent: Command) => parent.command('history').usage('[OPTIONS] IMAGE').description('Show the history of an image')
    .argument('<image>')
    .option('--format <string>', 'Format output using a custom template')
    .option('-H, --human', 'Print sizes and dates in human readable format', true)
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (image: string, o: any) => {
      const client = await ctx.client();
      const history = await client.json<any[]>('GET', `/images/${enc(image)}/history`);
      let format: string = o.format ?? '';
      if (o.quiet && !format) format = '{{.ID}}';
      const trunc = o.trunc !== false;
      ctx.out(renderItems({
        format, headers: HISTORY_HEADERS,
        defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
      }, history.map((h) => new HistoryContext(h, trunc, o.human !== false))));
    });
  defineHistory(program);
  defineHistory(group);

  group.command('inspect').usage('[OPTIONS] IMAGE [IMAGE...]').description('Display detailed information on one or more images')
    .argument('<images...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (names: string[], o: any) => inspectObjects(ctx, names, { type: 'image', format: o.format }));

  group.command('prune').usage('[OPTIONS]').description('Remove unused images')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect, [])
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (o: any) => {
      const warning = o.all
        ? 'WARNING! This will remove all images without at least one container associated to them.'
        : 'WARNING! This will remove all dangling images.';
      if (!o.force && !(await confirm(`${warning}\nAre you sure you want to continue?`))) return;
      const client = await ctx.client();
      const filters: string[] = [...o.filter];
      if (o.all) filters.push('dangling=false'); else if (!filters.some((f) => f.startsWith('dangling='))) filters.push('dangling=true');
      const r = await client.json('POST', '/images/prune', { query: { filters: encodeFilters(filters) } });
      const deleted: any[] = r?.ImagesDeleted ?? [];
      if (deleted.length) {
        ctx.out('Deleted Images:\n');
        for (const d of deleted) {
          if (d.Untagged) ctx.out(`untagged: ${d.Untagged}\n`);
          if (d.Deleted) ctx.out(`deleted: ${d.Deleted}\n`);
        }
        ctx.out('\n');
      }
      ctx.out(`Total reclaimed space: ${humanSize(r?.SpaceReclaimed ?? 0)}\n`);
    });

  const defineImport = (parent: Command) => parent.command('import').usage('[OPTIONS] file|URL|- [REPOSITORY[:TAG]]').description('Import the contents from a tarball to create a filesystem image')
    .argument('<source>').argument('[repository]')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect, [])
    .option('-m, --message <string>', 'Set commit message for imported image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .action(async (source: string, repository: string | undefined, o: any) => {
      if (/^[a-z]+:\/\//i.test(source)) throw new NotSupportedError('importing from a URL is not supported by berth; download the file first');
      const client = await ctx.client();
      const body = source === '-' ? process.stdin : createReadStream(source);
      let repo: string | undefined;
      let tag: string | undefined;
      if (repository) ({ name: repo, tag } = splitReference(repository));
      const res = await client.request('POST', '/images/create', {
        query: { fromSrc: '-', repo, tag, message: o.message, changes: o.change.length ? o.change : undefined, platform: o.platform },
        body, contentType: 'application/x-tar',
      });
      for await (const msg of jsonLines(res)) {
        if (msg.error || msg.errorDetail) throw DaemonError.fromStream(msg);
        if (msg.status) ctx.out(`${msg.status}\n`);
      }
    });
  defineImport(program);
  defineImport(group);

  // pull, push, save and load live in ./registry.ts

  group.command('bootstrap').usage('busybox|debian').description('Build a base image locally (berth extension): busybox from the host\'s busybox-static, debian with mmdebstrap')
    .argument('<name>')
    .option('--tag <string>', 'Tag for the image (default: latest)')
    .action(async (name: string, o: any) => {
      if (name !== 'busybox' && name !== 'debian') throw new UsageError(`cannot bootstrap '${name}': only busybox and debian can be bootstrapped`);
      const client = await ctx.client();
      const res = await client.request('POST', '/berth/images/bootstrap', { query: { name, tag: o.tag } });
      for await (const msg of jsonLines(res)) {
        if (msg.error || msg.errorDetail) throw DaemonError.fromStream(msg);
        if (msg.status) ctx.out(`${msg.status}\n`);
        else if (msg.Id) ctx.out(`${msg.Id}\n`);
      }
    });

  // build lives in ./build.ts
}
