/**
 * Security options checked when a container is created (so a bad one fails before
 * anything exists): capabilities, --security-opt, namespaced sysctls, AppArmor.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, NotSupportedError } from '../common/errors.js';
import { CAPABILITY_BITS, normalizeCapName } from './capabilities.js';
import { resolveInRoot } from './resolve-in-root.js';
import { parseUsernsMode, usernsConflict } from './userns.js';

/** Sysctls that live in a namespace the container owns (Docker's allow-list, runc's validator). */
const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);
const UTS_SYSCTLS = new Set(['kernel.domainname', 'kernel.hostname']);

function checkCapabilities(list: unknown, field: 'CapAdd' | 'CapDrop'): void {
  if (list === null || list === undefined) return;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`invalid ${field}: must be a list of capability names`);
  const known = new Set(CAPABILITY_BITS);
  for (const raw of list) {
    const c = normalizeCapName(String(raw));
    if (c !== 'ALL' && !known.has(c)) throw new InvalidArgumentError(`invalid ${field}: unknown capability: "${c}"`);
  }
}

/** Is this sysctl namespaced for a container with these namespace modes? Returns why not, or ''. */
export function sysctlProblem(key: string, hc: { NetworkMode?: string; IpcMode?: string; UTSMode?: string }): string {
  const k = key.trim().replace(/\//g, '.');
  if (IPC_SYSCTLS.has(k) || k.startsWith('fs.mqueue.')) {
    return hc.IpcMode === 'host' ? `sysctl "${k}" is not allowed in host IPC namespace` : '';
  }
  if (UTS_SYSCTLS.has(k)) {
    if (hc.UTSMode === 'host') return `sysctl "${k}" is not allowed in host UTS namespace`;
    return k === 'kernel.hostname' ? `sysctl "kernel.hostname" is not allowed; use --hostname` : '';
  }
  if (k.startsWith('net.')) {
    return hc.NetworkMode === 'host' ? `sysctl "${k}" is not allowed in host network namespace` : '';
  }
  return `sysctl "${k}" is not namespaced and cannot be set in a container (it would change the host)`;
}

function appArmorEnabled(): boolean {
  try { return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y'; } catch { return false; }
}

/** Docker's --security-opt list, checked: seccomp JSON parses, apparmor only where the host has it. */
function checkSecurityOpts(opts: unknown, hc: any): void {
  if (opts === null || opts === undefined) return;
  if (!Array.isArray(opts)) throw new InvalidArgumentError('invalid SecurityOpt: must be a list of strings');
  for (const raw of opts as string[]) {
    if (raw === 'no-new-privileges') continue;
    const m = /^([a-z-]+)[=:](.*)$/s.exec(String(raw));
    if (!m) throw new InvalidArgumentError(`Invalid --security-opt: ${JSON.stringify(raw)}`);
    const [, key, value] = m;
    if (key === 'seccomp') {
      if (value === 'unconfined' || value === 'builtin') continue;
      if (hc.Privileged) continue; // Docker ignores seccomp for privileged containers
      let profile: any;
      try { profile = JSON.parse(value); } catch (e) {
        throw new InvalidArgumentError(`Decoding seccomp profile failed: ${(e as Error).message}`, 'ERR_SECCOMP_PROFILE');
      }
      if (!profile || typeof profile !== 'object' || typeof profile.defaultAction !== 'string') {
        throw new InvalidArgumentError('Decoding seccomp profile failed: the profile has no defaultAction', 'ERR_SECCOMP_PROFILE');
      }
    } else if (key === 'no-new-privileges') {
      if (!['', 'true', 'false'].includes(value)) throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(raw)}`);
    } else if (key === 'apparmor') {
      if (value === 'unconfined') continue;
      if (!appArmorEnabled()) throw new NotSupportedError(`AppArmor is not enabled on this host; cannot apply profile "${value}" (use apparmor=unconfined or leave it out)`, 'ERR_APPARMOR');
      throw new NotSupportedError(`AppArmor profiles are not applied by berth yet (profile "${value}")`, 'ERR_APPARMOR');
    } else if (key === 'label') {
      if (value === 'disable') continue;
      throw new NotSupportedError(`SELinux is not enabled on this host; cannot apply label "${value}"`, 'ERR_SELINUX');
    } else if (key === 'systempaths') {
      if (value !== 'unconfined') throw new InvalidArgumentError(`invalid --security-opt: ${JSON.stringify(raw)}`);
    } else {
      throw new InvalidArgumentError(`Invalid --security-opt 1: ${JSON.stringify(raw)}`);
    }
  }
}

/** All security-related HostConfig checks at create time. */
export function validateSecurity(hc: any): string[] {
  const warnings: string[] = [];
  checkCapabilities(hc.CapAdd, 'CapAdd');
  checkCapabilities(hc.CapDrop, 'CapDrop');
  checkSecurityOpts(hc.SecurityOpt, hc);
  for (const key of Object.keys(hc.Sysctls ?? {})) {
    const why = sysctlProblem(key, hc);
    if (why) throw new InvalidArgumentError(why, 'ERR_SYSCTL');
  }
  // syntax and namespace conflicts here; the host ids are reserved by the container manager (userns-alloc.ts)
  if (parseUsernsMode(hc.UsernsMode).kind !== 'host') {
    const conflict = usernsConflict(hc);
    if (conflict) throw new InvalidArgumentError(conflict, 'ERR_USERNS');
  }
  for (const g of (hc.GroupAdd ?? []) as unknown[]) {
    if (typeof g !== 'string' && typeof g !== 'number') throw new InvalidArgumentError('invalid GroupAdd: must be a list of group names or ids');
  }
  return warnings;
}

/**
 * The CLI's half of --security-opt (as Docker's CLI): `seccomp=<file>` is read and
 * sent as the profile's JSON text; a file that is missing or is not JSON fails here.
 */
export function loadSecurityOptFiles(opts: string[]): string[] {
  return opts.map((o) => {
    const m = /^seccomp[=:](.*)$/s.exec(o);
    if (!m || m[1] === 'unconfined' || m[1] === 'builtin' || m[1].trimStart().startsWith('{')) return o;
    let text: string;
    try { text = readFileSync(m[1], 'utf8'); } catch (e) {
      throw new InvalidArgumentError(`opening seccomp profile (${m[1]}) failed: ${(e as Error).message}`, 'ERR_SECCOMP_PROFILE');
    }
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch (e) {
      throw new InvalidArgumentError(`compacting json for seccomp profile (${m[1]}) failed: ${(e as Error).message}`, 'ERR_SECCOMP_PROFILE');
    }
    return `seccomp=${JSON.stringify(parsed)}`;
  });
}

/** --group-add: numeric gids as given, names looked up in the container's /etc/group (Docker's wording when missing). */
export function resolveGroups(rootfs: string, groups: Array<string | number>): number[] {
  if (!groups.length) return [];
  let table: Array<{ name: string; gid: number }> | undefined;
  const lookup = () => {
    if (table) return table;
    let text = '';
    try { text = readFileSync(resolveInRoot(rootfs, '/etc/group'), 'utf8'); } catch { /* no /etc/group */ }
    table = text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':')).filter((f) => f.length >= 3)
      .map((f) => ({ name: f[0], gid: Number(f[2]) }));
    return table;
  };
  return groups.map((g) => {
    const s = String(g).trim();
    if (/^\d+$/.test(s)) return Number(s);
    const hit = lookup().find((e) => e.name === s);
    if (!hit) throw new InvalidArgumentError(`Unable to find group ${s}: no matching entries in group file`);
    return hit.gid;
  });
}
