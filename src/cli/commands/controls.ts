/** stats, update, system df, system prune — with Docker's flags, columns and numbers. */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { encodeFilters, jsonLines } from '../../client/engine-client.js';
import { isNotSupported } from '../daemon-errors.js';
import { collect, confirm, forEachTarget, parseIntOption, type CliContext } from '../context.js';
import { renderItems, truncateId } from '../../client/format/formatter.js';
import { listFormat } from '../config-formats.js';
import { dfRows, dfSummary, dfVerbose, readDiskUsage } from '../../client/format/disk-usage.js';
import { bytesSize, humanSize, humanSizeWithPrecision } from '../../client/format/units.js';
import { ramInBytes } from '../../common/byte-size.js';

const enc = encodeURIComponent;

// ---------------------------------------------------------------- stats numbers (Docker CLI's formulas)

/** CPU %: container CPU time delta over host CPU time delta, times online CPUs. */
export function cpuPercent(s: any): number {
  const cpu = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const online = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 0;
  if (sysDelta > 0 && cpuDelta > 0) return (cpuDelta / sysDelta) * online * 100;
  return 0;
}

/** Memory use without the page cache the kernel can drop (v1 total_inactive_file, v2 inactive_file). */
export function memUsage(m: any): number {
  const usage = m?.usage ?? 0;
  const stats = m?.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file;
  return inactive !== undefined && inactive < usage ? usage - inactive : usage;
}

export function blkioBytes(s: any): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = String(e.op).toLowerCase();
    if (op === 'read') read += e.value;
    else if (op === 'write') write += e.value;
  }
  return { read, write };
}

function netBytes(s: any): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values<any>(s.networks ?? {})) { rx += n.rx_bytes ?? 0; tx += n.tx_bytes ?? 0; }
  return { rx, tx };
}

/** One row of `docker stats` as a template context (Docker's placeholders). */
export class StatsRow {
  constructor(private readonly container: string, private readonly s: any, private readonly trunc = true) {}
  get Container(): string { return this.container; }
  get ID(): string { return this.trunc ? truncateId(this.s.id ?? '') : this.s.id ?? ''; }
  get Name(): string { return String(this.s.name ?? '').replace(/^\//, '') || '--'; }
  get CPUPerc(): string { return `${cpuPercent(this.s).toFixed(2)}%`; }
  get MemUsage(): string {
    const limit = this.s.memory_stats?.limit ?? 0;
    return `${bytesSize(memUsage(this.s.memory_stats))} / ${bytesSize(limit)}`;
  }
  get MemPerc(): string {
    const limit = this.s.memory_stats?.limit ?? 0;
    return `${(limit ? (memUsage(this.s.memory_stats) / limit) * 100 : 0).toFixed(2)}%`;
  }
  get NetIO(): string { const n = netBytes(this.s); return `${humanSizeWithPrecision(n.rx, 3)} / ${humanSizeWithPrecision(n.tx, 3)}`; }
  get BlockIO(): string { const b = blkioBytes(this.s); return `${humanSizeWithPrecision(b.read, 3)} / ${humanSizeWithPrecision(b.write, 3)}`; }
  get PIDs(): string { return String(this.s.pids_stats?.current ?? 0); }
  toJSON(): Record<string, string> {
    return { BlockIO: this.BlockIO, CPUPerc: this.CPUPerc, Container: this.Container, ID: this.ID, MemPerc: this.MemPerc, MemUsage: this.MemUsage, Name: this.Name, NetIO: this.NetIO, PIDs: this.PIDs };
  }
}

const STATS_DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const STATS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
  NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

// ---------------------------------------------------------------- commands

function parseCpus(v: string): number {
  if (!/^\d*\.?\d+$/.test(v.trim())) throw new UsageError(`invalid argument "${v}" for "--cpus" flag: failed to parse ${v} as a rational number`);
  return Math.round(Number(v) * 1e9);
}

function ramFlag(name: string) {
  return (v: string): number => {
    if (v === '-1' && name === '--memory-swap') return -1;
    try { return ramInBytes(v.trim()); } catch (e) { throw new UsageError(`invalid argument "${v}" for "${name}" flag: ${(e as Error).message}`); }
  };
}

export function registerControlCommands(program: Command, ctx: CliContext, containerGroup: Command, systemGroup: Command): void {
  const defineStats = (parent: Command) => parent.command('stats').usage('[OPTIONS] [CONTAINER...]').description('Display a live stream of container(s) resource usage statistics')
    .argument('[containers...]')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-stream', 'Disable streaming stats and only pull the first result')
    .option('--no-trunc', 'Do not truncate output')
    .action(async (names: string[], o: any) => {
      const client = await ctx.client();
      let targets = names;
      if (!targets.length) {
        const list = await client.json<any[]>('GET', '/containers/json', { query: { all: o.all ? 1 : undefined } });
        targets = list.map((c) => c.Id);
      }
      const spec = { format: listFormat('statsFormat', o.format), defaultTable: STATS_DEFAULT_TABLE, headers: STATS_HEADERS };
      const render = (rows: StatsRow[]) => renderItems(spec, rows);
      if (o.stream === false) {
        const rows: StatsRow[] = [];
        const errors: string[] = [];
        await Promise.all(targets.map(async (t, i) => {
          try { rows[i] = new StatsRow(t, await client.json('GET', `/containers/${enc(t)}/stats`, { query: { stream: 0 } }), o.trunc !== false); } catch (e) {
            errors.push((e as Error).message);
          }
        }));
        if (errors.length) throw new UsageError(errors.join('\n'));
        ctx.out(render(rows.filter(Boolean)));
        return;
      }
      const latest = new Map<string, StatsRow>();
      const controllers: AbortController[] = [];
      for (const t of targets) {
        const ac = new AbortController();
        controllers.push(ac);
        void (async () => {
          try {
            const res = await client.request('GET', `/containers/${enc(t)}/stats`, { query: { stream: 1 }, signal: ac.signal });
            for await (const s of jsonLines(res)) latest.set(t, new StatsRow(t, s, o.trunc !== false));
          } catch { latest.delete(t); }
        })();
      }
      const tty = process.stdout.isTTY;
      await new Promise<void>((resolve) => {
        const stop = () => { clearInterval(timer); for (const ac of controllers) ac.abort(); resolve(); };
        const timer = setInterval(() => {
          const rows = targets.map((t) => latest.get(t)).filter((r): r is StatsRow => !!r);
          ctx.out((tty ? '\x1b[2J\x1b[H' : '') + render(rows));
        }, 1000);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  defineStats(program);
  defineStats(containerGroup);

  const defineUpdate = (parent: Command) => parent.command('update').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Update configuration of one or more containers')
    .argument('<containers...>')
    .option('--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable', parseIntOption('--blkio-weight'))
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', parseIntOption('--cpu-period'))
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', parseIntOption('--cpu-quota'))
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)', parseIntOption('--cpu-shares'))
    .option('--cpus <decimal>', 'Number of CPUs', parseCpus)
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .option('-m, --memory <bytes>', 'Memory limit', ramFlag('--memory'))
    .option('--memory-reservation <bytes>', 'Memory soft limit', ramFlag('--memory-reservation'))
    .option('--memory-swap <bytes>', "Swap limit equal to memory plus swap: -1 to enable unlimited swap", ramFlag('--memory-swap'))
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', parseIntOption('--pids-limit'))
    .option('--restart <string>', 'Restart policy to apply when a container exits')
    .action(async (names: string[], o: any) => {
      const body: any = {};
      if (o.blkioWeight !== undefined) body.BlkioWeight = o.blkioWeight;
      if (o.cpuPeriod !== undefined) body.CpuPeriod = o.cpuPeriod;
      if (o.cpuQuota !== undefined) body.CpuQuota = o.cpuQuota;
      if (o.cpuShares !== undefined) body.CpuShares = o.cpuShares;
      if (o.cpus !== undefined) body.NanoCpus = o.cpus;
      if (o.cpusetCpus !== undefined) body.CpusetCpus = o.cpusetCpus;
      if (o.cpusetMems !== undefined) body.CpusetMems = o.cpusetMems;
      if (o.memory !== undefined) body.Memory = o.memory;
      if (o.memoryReservation !== undefined) body.MemoryReservation = o.memoryReservation;
      if (o.memorySwap !== undefined) body.MemorySwap = o.memorySwap;
      if (o.pidsLimit !== undefined) body.PidsLimit = o.pidsLimit;
      if (o.restart !== undefined) {
        const [name, count] = String(o.restart).split(':');
        if (count !== undefined && !/^\d+$/.test(count)) throw new UsageError(`invalid restart policy format: maximum retry count must be an integer`);
        body.RestartPolicy = { Name: name, MaximumRetryCount: count ? Number(count) : 0 };
      }
      if (Object.keys(body).length === 0) throw new UsageError('you must provide one or more flags when using this command');
      const client = await ctx.client();
      await forEachTarget(names, async (t) => {
        const r = await client.json('POST', `/containers/${enc(t)}/update`, { body });
        for (const w of r?.Warnings ?? []) ctx.err(`${w}\n`);
        ctx.out(`${t}\n`);
      });
    });
  defineUpdate(program);
  defineUpdate(containerGroup);

  systemGroup.command('df').usage('[OPTIONS]').description('Show berth disk usage')
    .option('--format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Show detailed information on space usage')
    .action(async (o: any) => {
      const client = await ctx.client();
      const df = readDiskUsage(await client.json('GET', '/system/df', { query: { verbose: o.verbose ? '1' : undefined } }));
      if (o.format) {
        const rows = dfRows(df);
        ctx.out(renderItems({ format: o.format, defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' } }, rows));
        return;
      }
      ctx.out(o.verbose ? dfVerbose(df) : dfSummary(df));
    });

  systemGroup.command('prune').usage('[OPTIONS]').description('Remove unused data')
    .option('-a, --all', 'Remove all unused images not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "label=<key>=<value>")', collect, [])
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--volumes', 'Prune anonymous volumes')
    .action(async (o: any) => {
      const warning = ['WARNING! This will remove:', '  - all stopped containers', '  - all networks not used by at least one container',
        ...(o.volumes ? ['  - all anonymous volumes not used by at least one container'] : []),
        o.all ? '  - all images without at least one container associated to them' : '  - all dangling images',
        o.all ? '  - all build cache' : '  - unused build cache', ''].join('\n');
      if (!o.force && !(await confirm(`${warning}\nAre you sure you want to continue?`))) return;
      const client = await ctx.client();
      const filters = encodeFilters(o.filter);
      let reclaimed = 0;
      const c = await client.json('POST', '/containers/prune', { query: { filters } });
      if (c?.ContainersDeleted?.length) ctx.out('Deleted Containers:\n' + c.ContainersDeleted.map((d: string) => d + '\n').join('') + '\n');
      reclaimed += c?.SpaceReclaimed ?? 0;
      if (o.volumes) {
        const v = await optional(() => client.json('POST', '/volumes/prune', { query: { filters } }));
        if (v?.VolumesDeleted?.length) ctx.out('Deleted Volumes:\n' + v.VolumesDeleted.map((d: string) => d + '\n').join('') + '\n');
        reclaimed += v?.SpaceReclaimed ?? 0;
      }
      const n = await optional(() => client.json('POST', '/networks/prune', { query: { filters } }));
      if (n?.NetworksDeleted?.length) ctx.out('Deleted Networks:\n' + n.NetworksDeleted.map((d: string) => d + '\n').join('') + '\n');
      const imageFilters = encodeFilters([...(o.filter as string[]), ...(o.all ? ['dangling=false'] : [])]);
      const i = await client.json('POST', '/images/prune', { query: { filters: imageFilters } });
      if (i?.ImagesDeleted?.length) {
        ctx.out('Deleted Images:\n' + i.ImagesDeleted.map((d: any) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('') + '\n');
      }
      reclaimed += i?.SpaceReclaimed ?? 0;
      const untilFilters = Object.fromEntries(Object.entries(JSON.parse(filters || '{}') as Record<string, unknown>).filter(([k]) => k === 'until'));
      const b = await optional(() => client.json('POST', '/build/prune', { query: { all: o.all ? '1' : undefined, filters: JSON.stringify(untilFilters) } }));
      if (b?.CachesDeleted?.length) ctx.out('Deleted build cache objects:\n' + b.CachesDeleted.map((d: string) => d + '\n').join('') + '\n');
      reclaimed += b?.SpaceReclaimed ?? 0;
      ctx.out(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}

/** Prune endpoints of features this daemon does not have (501) prune nothing. */
async function optional<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try { return await fn(); } catch (e) {
    if (isNotSupported(e)) return undefined;
    throw e;
  }
}

