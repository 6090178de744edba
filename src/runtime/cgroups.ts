import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../common/exec.js';

export interface CgroupInfo {
  version: 1 | 2;
  hybrid: boolean;                 // v1 hierarchies plus a cgroup2 mount (usually /sys/fs/cgroup/unified)
  unifiedControllers: string[];    // controllers the cgroup2 mount offers
  unifiedMount?: string;
  v1Controllers: string[];         // controllers with a v1 hierarchy
  problem?: string;                // why crun cannot run containers here, and how to fix it
}

const CGROUP_ROOT = '/sys/fs/cgroup';

interface MountRow { mountPoint: string; fsType: string; options: string[]; superOptions: string[] }

function readMounts(): MountRow[] {
  const rows: MountRow[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (!line) continue;
    const [pre, post] = line.split(' - ');
    const f = pre.split(' ');
    const p = post.split(' ');
    rows.push({ mountPoint: f[4].replace(/\\040/g, ' '), fsType: p[0], options: f[5].split(','), superOptions: (p[2] ?? '').split(',') });
  }
  return rows;
}

function readControllers(dir: string): string[] {
  try { return readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean); } catch { return []; }
}

let cached: CgroupInfo | undefined;

/** Detect cgroup v1, v2 (unified) or v1 hybrid once; `refresh` re-reads the mounts. */
export function detectCgroups(opts: { refresh?: boolean } = {}): CgroupInfo {
  if (cached && !opts.refresh) return cached;
  const mounts = readMounts();
  const rootMount = [...mounts].reverse().find((m) => m.mountPoint === CGROUP_ROOT);
  if (rootMount?.fsType === 'cgroup2') {
    cached = { version: 2, hybrid: false, unifiedControllers: readControllers(CGROUP_ROOT), unifiedMount: CGROUP_ROOT, v1Controllers: [] };
    return cached;
  }
  const v1Controllers = new Set<string>();
  for (const m of mounts) {
    if (m.fsType !== 'cgroup') continue;
    for (const o of m.superOptions) if (!['rw', 'ro', 'relatime', 'noexec', 'nosuid', 'nodev'].includes(o) && !o.startsWith('release_agent')) v1Controllers.add(o);
  }
  const unified = mounts.find((m) => m.fsType === 'cgroup2' && m.mountPoint.startsWith(CGROUP_ROOT + '/'));
  const unifiedControllers = unified ? readControllers(unified.mountPoint) : [];
  const info: CgroupInfo = { version: 1, hybrid: !!unified, unifiedControllers, unifiedMount: unified?.mountPoint, v1Controllers: [...v1Controllers].sort() };
  if (info.hybrid && unifiedControllers.length > 0) info.problem = hybridProblemMessage(info);
  cached = info;
  return info;
}

function fixCommands(controllers: string[]): string {
  return controllers.map((c) => `mkdir -p ${CGROUP_ROOT}/${c} && mount -t cgroup -o ${c} cgroup ${CGROUP_ROOT}/${c}`).join('; ');
}

function hybridProblemMessage(info: CgroupInfo): string {
  return `cgroups are v1 in hybrid mode and the cgroup2 mount ${info.unifiedMount} still offers the controller(s) ` +
    `${info.unifiedControllers.join(', ')} because no v1 hierarchy claims them; crun refuses every container on such a host ` +
    `("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"). Fix (as root): ${fixCommands(info.unifiedControllers)} ` +
    `— or let berth do it (allow the cgroup fix), or use the runc runtime.`;
}

/**
 * crun 1.8 refuses hybrid hosts whose cgroup2 mount still has controllers. Mounting a v1 hierarchy for
 * each of them empties the v2 list (the documented remedy). Without allowFix only report what is wrong.
 */
export async function prepareHostForCrun(opts: { allowFix: boolean }): Promise<{ ok: boolean; fixed?: boolean; message?: string }> {
  const info = detectCgroups({ refresh: true });
  if (!info.problem) return { ok: true };
  if (!opts.allowFix) return { ok: false, message: info.problem };
  const root = readMounts().reverse().find((m) => m.mountPoint === CGROUP_ROOT);
  if (root?.options.includes('ro')) {
    const r = await run('mount', ['-o', 'remount,rw', CGROUP_ROOT]);
    if (r.code !== 0) return { ok: false, message: `${info.problem} Remounting ${CGROUP_ROOT} read-write failed: ${r.stderr.trim()}` };
  }
  for (const c of info.unifiedControllers) {
    if (info.v1Controllers.includes(c)) continue;
    const dir = join(CGROUP_ROOT, c);
    try { if (!existsSync(dir)) mkdirSync(dir, { recursive: true }); } catch (e) {
      return { ok: false, message: `${info.problem} Creating ${dir} failed: ${(e as Error).message}` };
    }
    const r = await run('mount', ['-t', 'cgroup', '-o', c, 'cgroup', dir]);
    if (r.code !== 0) return { ok: false, message: `${info.problem} Mounting the v1 ${c} hierarchy failed: ${r.stderr.trim()}` };
  }
  const after = detectCgroups({ refresh: true });
  if (after.problem) return { ok: false, message: `mounted v1 hierarchies but the cgroup2 mount still offers ${after.unifiedControllers.join(', ')}. ${after.problem}` };
  return { ok: true, fixed: true, message: `mounted v1 hierarchies for ${info.unifiedControllers.join(', ')} so crun accepts this hybrid cgroup host` };
}

/** cgroupfs-style path for a container: '/berth/<id>' unless a parent is given. */
export function defaultCgroupsPath(id: string, parent?: string): string {
  const p = (parent ?? '/berth').replace(/\/+$/, '');
  return `${p.startsWith('/') ? p : '/' + p}/${id}`;
}
