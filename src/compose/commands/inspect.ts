/** `compose images`, `port` and `top`: what the project's containers run, publish and execute. */
import type { Command } from 'commander';
import type { ContainerSummary, ImageInspect } from '../../common/engine-api/types.js';
import { truncateId } from '../../client/format/formatter.js';
import { tabwrite } from '../../client/format/tabwriter.js';
import { humanDuration, humanSizeWithPrecision } from '../../client/format/units.js';
import type { ComposeContext } from '../context.js';
import { LABELS } from '../model.js';
import { composeError, daemonStatus } from '../ops/errors.js';
import { projectName } from '../ops/project-ref.js';
import { projectContainers, serviceOf } from '../ops/state.js';
import { serviceContainer } from '../ops/target.js';
import { canonicalName } from '../format/ps.js';
import { intValue } from './flags.js';

const enc = encodeURIComponent;

export function registerInspectCommands(program: Command, ctx: () => ComposeContext): void {
  program.command('images').usage('[OPTIONS] [SERVICE...]').description('List images used by the created containers')
    .argument('[services...]')
    .option('--format <format>', 'Format the output. Values: [table | json]', 'table')
    .option('-q, --quiet', 'Only display IDs')
    .action(async (services: string[], o: { format: string; quiet?: boolean }) => runImages(ctx(), services, o));

  program.command('port').usage('[OPTIONS] SERVICE PRIVATE_PORT').description('Print the public port for a port binding')
    .argument('<service>').argument('<private_port>')
    .option('--index <index>', 'Index of the container if service has multiple replicas', intValue('--index'), 0)
    .option('--protocol <protocol>', 'tcp or udp', 'tcp')
    .action(async (service: string, portArg: string, o: { index: number; protocol: string }) => {
      const c = ctx();
      if (!/^\d+$/.test(portArg) || Number(portArg) > 65535) {
        throw composeError(`strconv.ParseUint: parsing ${JSON.stringify(portArg)}: ${/^\d+$/.test(portArg) ? 'value out of range' : 'invalid syntax'}`, 'ERR_USAGE');
      }
      const port = Number(portArg);
      const protocol = o.protocol.toLowerCase();
      const client = await c.client();
      const ctr = await serviceContainer(client, await projectName(c), service, { index: o.index });
      const hit = (ctr.Ports ?? []).find((p) => p.PrivatePort === port && p.Type === protocol && p.PublicPort);
      if (!hit) {
        const have = (ctr.Ports ?? []).map((p) => `${p.PrivatePort}/${p.Type}`).join(', ');
        throw composeError(`no port ${port}/${protocol} for container ${canonicalName(ctr)}: ${have}`, 'ERR_NOT_FOUND');
      }
      c.out(`${hit.IP ?? ''}:${hit.PublicPort}\n`);
    });

  program.command('top').usage('[SERVICES...]').description('Display the running processes')
    .argument('[services...]')
    .action(async (services: string[]) => runTop(ctx(), services));
}

interface ImageRow { container: string; id: string; repository: string; tag: string; platform: string; size: number; created?: Date; lastTagTime?: string }

/** Repository and tag of the reference a container was created with (none for an ID or a digest). */
function refParts(ref: string): { repository: string; tag: string } {
  if (/^(sha256:)?[0-9a-f]{12,64}$/.test(ref)) return { repository: '', tag: '' };
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const colon = name.lastIndexOf(':');
  const slash = name.lastIndexOf('/');
  let repository = colon > slash ? name.slice(0, colon) : name;
  const tag = colon > slash ? name.slice(colon + 1) : at >= 0 ? '' : 'latest';
  repository = repository.replace(/^docker\.io\/(library\/)?/, '');
  return { repository, tag };
}

async function runImages(c: ComposeContext, services: string[], o: { format: string; quiet?: boolean }): Promise<void> {
  const client = await c.client();
  let list = await projectContainers(client, await projectName(c), { all: true });
  if (services.length) list = list.filter((x) => services.includes(serviceOf(x)));
  const rows: ImageRow[] = await Promise.all(list.map(async (ctr): Promise<ImageRow> => {
    const { repository, tag } = refParts(ctr.Image ?? '');
    const base = { container: canonicalName(ctr), repository, tag, platform: '', size: 0 };
    try {
      const img = await client.json<ImageInspect>('GET', `/images/${enc(ctr.Image ?? '')}/json`);
      return {
        ...base, id: img.Id ?? ctr.ImageID ?? '', size: img.Size ?? 0,
        platform: [img.Os, img.Architecture, img.Variant].filter(Boolean).join('/'),
        created: img.Created ? new Date(img.Created) : undefined,
        lastTagTime: img.Metadata?.LastTagTime ?? undefined,
      };
    } catch (e) {
      if (daemonStatus(e) === 404) return { ...base, id: ctr.ImageID ?? '' };
      throw e;
    }
  }));
  rows.sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0));
  if (o.quiet) {
    const ids: string[] = [];
    for (const r of rows) { const id = r.id.replace(/^[^:]*:/, ''); if (!ids.includes(id)) ids.push(id); }
    c.out(ids.map((i) => `${i}\n`).join(''));
    return;
  }
  const format = o.format.toLowerCase();
  if (format === 'json') {
    const zeroTime = '0001-01-01T00:00:00Z';
    c.out(`${JSON.stringify(rows.map((r) => ({ ID: r.id, ContainerName: r.container, Repository: r.repository, Tag: r.tag, Platform: r.platform, Size: r.size, LastTagTime: r.lastTagTime || zeroTime })))}\n\n`);
    return;
  }
  if (!['table', 'pretty', ''].includes(format)) throw composeError(`format value "${o.format}" could not be parsed: parsing failed`, 'ERR_USAGE');
  const now = Date.now();
  const lines = rows.map((r) => {
    // compose shows when the image was last tagged; an image never tagged here shows its creation
    const tagged = r.lastTagTime && !r.lastTagTime.startsWith('0001-') ? new Date(r.lastTagTime) : r.created;
    const created = tagged ? `${humanDuration(now - tagged.getTime())} ago` : 'N/A';
    return [r.container, r.repository || '<none>', r.tag || '<none>', r.platform, truncateId(r.id), humanSizeWithPrecision(r.size, 3), created].join('\t');
  });
  c.out(tabwrite(['CONTAINER\tREPOSITORY\tTAG\tPLATFORM\tIMAGE ID\tSIZE\tCREATED', ...lines].join('\n') + '\n', { minWidth: 20, padding: 3 }));
}

async function runTop(c: ComposeContext, services: string[]): Promise<void> {
  const client = await c.client();
  let list: ContainerSummary[] = await projectContainers(client, await projectName(c), { all: false });
  if (services.length) list = list.filter((x) => services.includes(serviceOf(x)));
  list.sort((a, b) => (canonicalName(a) < canonicalName(b) ? -1 : canonicalName(a) > canonicalName(b) ? 1 : 0));
  const tops = await Promise.all(list.map(async (ctr) => ({
    ctr, top: await client.json<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${enc(ctr.Id ?? '')}/top`),
  })));
  // one table for every container: SERVICE and # first, each title once, CMD last (compose's collectTop)
  const header: string[] = ['SERVICE', '#'];
  const rows: Array<Map<string, string>> = [];
  for (const { ctr, top } of tops) {
    for (const proc of top.Processes ?? []) {
      const row = new Map<string, string>([['SERVICE', ctr.Labels?.[LABELS.service] ?? canonicalName(ctr)], ['#', ctr.Labels?.[LABELS.containerNumber] ?? '']]);
      (top.Titles ?? []).forEach((t, i) => { if (!header.includes(t)) header.push(t); row.set(t, proc[i] ?? ''); });
      rows.push(row);
    }
  }
  if (rows.length === 0) return;
  const cmd = header.indexOf('CMD');
  if (cmd >= 0) header.push(...header.splice(cmd, 1));
  const text = [header.join('\t'), ...rows.map((r) => header.map((h) => r.get(h) ?? '-').join('\t'))].join('\n') + '\n';
  c.out(tabwrite(text, { minWidth: 4, padding: 2 }));
}
