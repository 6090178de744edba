/** CIS section 3, daemon files: owners and modes of the socket, daemon.json, TLS files, unit files and state directories. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hostCheck, info, pass, warn, type AuditCheck, type AuditContext, type CheckDef, type Verdict } from '../check.js';
import { gidOf, modeWithin, octal, statPath } from '../files.js';

type Paths = (ctx: AuditContext) => string[] | { none: string };

/** A verdict per path; a path that cannot be read is an error for that path, the others go on. */
function perPath(def: CheckDef, paths: Paths, test: (st: ReturnType<typeof statPath>, ctx: AuditContext) => Verdict): AuditCheck {
  return hostCheck(def, (ctx) => {
    const list = paths(ctx);
    if (!Array.isArray(list)) return info(list.none);
    if (list.length === 0) return info('nothing to check');
    return list.map((p): Verdict => {
      try { const v = test(statPath(p), ctx); return { ...v, target: v.target ?? p }; } catch (e) { return { error: (e as Error).message, target: p }; }
    });
  });
}

function owned(def: CheckDef, paths: Paths, expectGid: (ctx: AuditContext) => number = () => 0, groupName = (_ctx: AuditContext) => 'root'): AuditCheck {
  return perPath(def, paths, (st, ctx) => {
    const gid = expectGid(ctx);
    const ok = st.uid === 0 && st.gid === gid;
    return ok ? pass(`${st.path} is owned by root:${groupName(ctx)}`) : warn(`${st.path} is owned by ${st.uid}:${st.gid}, not root:${groupName(ctx)}`);
  });
}

function moded(def: CheckDef, paths: Paths, max: number, also?: number): AuditCheck {
  return perPath(def, paths, (st) => {
    const ok = modeWithin(st.mode, max) || (also !== undefined && st.mode === also);
    return ok ? pass(`${st.path} has mode ${octal(st.mode)}`) : warn(`${st.path} has mode ${octal(st.mode)}, more permissive than ${octal(max)}`);
  });
}

const unitFiles: Paths = (ctx) => {
  const found = ctx.host.serviceUnits.filter((p) => existsSync(p));
  return found.length ? found : { none: 'no systemd unit for berth (the daemon is started another way)' };
};
const configDir: Paths = (ctx) => (existsSync(ctx.host.configDir) ? [ctx.host.configDir] : { none: `${ctx.host.configDir} does not exist` });
const configFile: Paths = (ctx) => {
  const f = ctx.facts.configFile;
  if (!f) return { none: 'no daemon.json' };
  // --config-file /dev/null and the like: nothing to protect
  try { if (!statSync(f).isFile() && !statSync(f).isDirectory()) return { none: `${f} is not a regular file (no options)` }; } catch { /* reported by the check */ }
  return [f];
};
const sockets: Paths = (ctx) => ctx.facts.listeners.flatMap((l) => (l.kind === 'unix' ? [l.path] : []));
const tlsFile = (which: 'cacert' | 'cert' | 'key'): Paths => (ctx) => (ctx.facts.tls ? [ctx.facts.tls[which]] : { none: 'TLS is not configured (no TCP listener)' });
const socketGid = (ctx: AuditContext): number => (ctx.facts.socketGroup ? gidOf(ctx.host.group, ctx.facts.socketGroup) ?? -1 : 0);
const socketGroupName = (ctx: AuditContext): string => ctx.facts.socketGroup ?? 'root';

/** Registry certificates: the files under certs.d (one level of registry directories). */
const registryCerts: Paths = (ctx) => {
  const dir = typeof ctx.facts.config['certs-dir'] === 'string' ? ctx.facts.config['certs-dir'] as string : join(ctx.host.configDir, 'certs.d');
  if (!existsSync(dir)) return { none: `${dir} does not exist (no registry certificates)` };
  const out: string[] = [];
  for (const reg of readdirSync(dir)) {
    const sub = join(dir, reg);
    if (!statSync(sub).isDirectory()) continue;
    for (const f of readdirSync(sub)) if (/\.(crt|cert|pem|key)$/.test(f)) out.push(join(sub, f));
  }
  return out.length ? out : { none: `no certificates under ${dir}` };
};

const state = (ctx: AuditContext) => [ctx.root, ctx.runRoot];

export const DAEMON_FILE_CHECKS: AuditCheck[] = [
  owned({ id: '3.1', section: 3, title: 'Ensure that the berth.service file ownership is set to root:root', remediation: 'chown root:root berth.service' }, unitFiles),
  moded({ id: '3.2', section: 3, title: 'Ensure that berth.service file permissions are appropriately set', remediation: 'chmod 644 berth.service' }, unitFiles, 0o644),
  owned({ id: '3.5', section: 3, title: 'Ensure that the /etc/berth directory ownership is set to root:root', remediation: 'chown root:root /etc/berth' }, configDir),
  moded({ id: '3.6', section: 3, title: 'Ensure that /etc/berth directory permissions are set to 755 or more restrictively', remediation: 'chmod 755 /etc/berth' }, configDir, 0o755),
  owned({ id: '3.7', section: 3, title: 'Ensure that registry certificate file ownership is set to root:root', remediation: 'chown root:root /etc/berth/certs.d/*/*' }, registryCerts),
  moded({ id: '3.8', section: 3, title: 'Ensure that registry certificate file permissions are set to 444 or more restrictively', remediation: 'chmod 444 /etc/berth/certs.d/*/*' }, registryCerts, 0o444),
  owned({ id: '3.9', section: 3, title: 'Ensure that TLS CA certificate file ownership is set to root:root', remediation: 'chown root:root the --tlscacert file' }, tlsFile('cacert')),
  moded({ id: '3.10', section: 3, title: 'Ensure that TLS CA certificate file permissions are set to 444 or more restrictively', remediation: 'chmod 444 the --tlscacert file' }, tlsFile('cacert'), 0o444),
  owned({ id: '3.11', section: 3, title: 'Ensure that the daemon server certificate file ownership is set to root:root', remediation: 'chown root:root the --tlscert file' }, tlsFile('cert')),
  moded({ id: '3.12', section: 3, title: 'Ensure that the daemon server certificate file permissions are set to 444 or more restrictively', remediation: 'chmod 444 the --tlscert file' }, tlsFile('cert'), 0o444),
  owned({ id: '3.13', section: 3, title: 'Ensure that the daemon server certificate key file ownership is set to root:root', remediation: 'chown root:root the --tlskey file' }, tlsFile('key')),
  moded({ id: '3.14', section: 3, title: 'Ensure that the daemon server certificate key file permissions are set to 400', remediation: 'chmod 400 the --tlskey file' }, tlsFile('key'), 0o400),
  owned({ id: '3.15', section: 3, title: 'Ensure that the berth socket file ownership is set to root:<socket group>', remediation: 'start the daemon with --group GROUP (or daemon.json "group"); it sets root:GROUP' }, sockets, socketGid, socketGroupName),
  moded({ id: '3.16', section: 3, title: 'Ensure that the berth socket file permissions are set to 660 or more restrictively', remediation: 'chmod 660 the socket (berth serve creates it 660)' }, sockets, 0o660),
  owned({ id: '3.17', section: 3, title: 'Ensure that the daemon.json file ownership is set to root:root', remediation: 'chown root:root daemon.json' }, configFile),
  moded({ id: '3.18', section: 3, title: 'Ensure that daemon.json file permissions are set to 644 or more restrictively', remediation: 'chmod 644 daemon.json' }, configFile, 0o644),
  owned({ id: 'B3.1', section: 3, title: 'Ensure that the root directory and run root are owned by root', remediation: 'chown root:root the --root and --run-root directories' }, state),
  moded({ id: 'B3.2', section: 3, title: 'Ensure that the root directory and run root permissions are set to 711 or more restrictively', remediation: 'chmod 711 (or 700) the --root and --run-root directories' }, state, 0o711),
];
