/**
 * The daemon's facts for the audit (src/audit/facts.ts): built once at start from what `berth serve`
 * parsed, so the audit judges the daemon that actually runs, not a re-reading of its files.
 */
import { realpathSync, statSync } from 'node:fs';
import type { DaemonFacts } from '../audit/facts.js';
import { BERTH_VERSION } from '../common/version.js';
import { registryHostsConfig } from '../registry/client/daemon-config.js';
import type { ListenAddress } from './tls.js';
import type { DaemonConfig } from './serve.js';

/** The daemon.json keys berth applies (serve.ts, tls.ts, registry/client/daemon-config.ts); any other key is ignored. */
export const APPLIED_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'root', 'run-root', 'default-runtime', 'fix-cgroups', 'group', 'pidfile', 'log-driver', 'log-opts', 'log-level',
  'hosts', 'host', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey',
  'registry-mirrors', 'mirrors', 'insecure-registries', 'certs-dir',
  'metrics-addr', 'metrics-optional',
  'signature-policy',
]);

export function daemonFacts(cfg: DaemonConfig, addrs: ListenAddress[]): DaemonFacts {
  const tls = cfg.tls;
  let executable: string | undefined;
  try { executable = process.argv[1] ? realpathSync(process.argv[1]) : undefined; } catch { /* not a file */ }
  return {
    uid: process.getuid?.() ?? 0,
    listeners: addrs.map((a) => (a.kind === 'unix'
      ? { kind: 'unix' as const, path: a.path }
      : { kind: 'tcp' as const, address: a.display, tls: Boolean(tls), verify: Boolean(tls?.verify) })),
    ...(tls ? { tls: { verify: tls.verify, cacert: tls.files.cacert, cert: tls.files.cert, key: tls.files.key } } : {}),
    ...(cfg.group ? { socketGroup: cfg.group } : {}),
    // --config-file /dev/null (as tests use) is no daemon.json
    ...(cfg.configFile && isFile(cfg.configFile) ? { configFile: cfg.configFile } : {}),
    config: cfg.configOptions,
    ignoredConfigKeys: Object.keys(cfg.configOptions).filter((k) => !APPLIED_CONFIG_KEYS.has(k)),
    logLevel: cfg.logLevel,
    logDriver: cfg.logConfig.Type,
    insecureRegistries: registryHostsConfig().insecure ?? [],
    ...(executable ? { executable } : {}),
    version: BERTH_VERSION,
  };
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}
