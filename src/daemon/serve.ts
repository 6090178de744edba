import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'node:net';
import { Command, CommanderError } from 'commander';
import { Engine } from '../engine/engine.js';
import { createApiServer } from '../api/server.js';
import { configureRegistryHosts } from '../registry/client/daemon-config.js';
import { DEFAULT_ROOT, DEFAULT_RUN_ROOT } from '../common/paths.js';
import { log, setLogLevel } from '../common/log.js';
import { BerthError, SystemError } from '../common/errors.js';
import { checkTcpAccess, parseListenAddress, resolveTls, tlsServerOptions, type ListenAddress } from './tls.js';
import { startHeapTrim } from './heap-trim.js';
import { daemonFacts } from './facts.js';
import { DEFAULT_POLICY_PATH } from '../policy/policy-admission.js';
import { libc } from '../common/libc.js';
import { loadSeqpacketBinding } from '../runtime/seqpacket-socket.js';
import { DEFAULT_LOG_CONFIG, validateLogConfig, type LogConfig } from '../container/log-config.js';
import type { Server } from 'node:http';
import { isLoopback, listenMetrics, parseMetricsAddr, type MetricsAddress } from '../metrics/server.js';
import { resolveUiConfig, type UiConfig } from '../ui/config.js';
import { UiManager, uiSocketRoutes } from '../ui/manager.js';
import { isRootlessUser, rootlessConfigFile, rootlessRoot, rootlessRunRoot, xdgRuntimeDir } from '../rootless/paths.js';
import { ROOTLESS_ENV } from '../rootless/env-names.js';
import { useUserOverlayXattrs } from '../snapshot/xattr.js';
import type { RootlessNetDriverName } from '../rootless/net-contract.js';

export interface DaemonConfig {
  /** the first of `hosts` */
  host: string;
  /** every -H: unix sockets and TLS-only TCP listeners */
  hosts: string[];
  tls?: ReturnType<typeof resolveTls>;
  root: string;
  runRoot: string;
  defaultRuntime?: 'crun' | 'runc';
  fixCgroups: boolean;
  group?: string;
  pidFile?: string;
  /** log-driver / log-opts: for containers that name no driver */
  logConfig: LogConfig;
  /** the daemon.json read (absent when there was none) and its options, for the audit's facts */
  configFile?: string;
  configOptions: Record<string, unknown>;
  /** the effective log level: --log-level, daemon.json "log-level", BERTH_LOG_LEVEL, else info */
  logLevel: string;
  /** --metrics-addr / "metrics-addr": where /metrics is served (absent: no metrics listener) */
  metricsAddr?: string;
  /** --metrics-optional: an unusable metrics address is a warning, not a refusal to start */
  metricsOptional: boolean;
  /** containers-policy.json: --signature-policy, daemon.json "signature-policy", else /etc/containers/policy.json when it exists */
  signaturePolicy?: string;
  /** the dashboard: --ui and its TLS/password options (an empty object: only on demand, on loopback) */
  ui: UiConfig;
  /** --cri / "cri": the CRI gRPC socket (absent: no CRI), with the CNI directories its pods use */
  cri?: { socket: string; cniConfDir?: string; cniBinDirs?: string[] };
  /** run by a user other than root (or already inside the rootless namespace): XDG paths, a user namespace */
  rootless: boolean;
  /** daemon.json "rootless-network": the driver the rootless entry prefers */
  rootlessNetwork?: RootlessNetDriverName;
}

/** /etc/berth/daemon.json (or --config-file): the same keys as the flags, like Docker's daemon.json. */
function readConfigFile(path: string, explicit: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (explicit) throw new SystemError(`config file ${path} not found`, 'ERR_CONFIG');
    return {};
  }
  try {
    const text = readFileSync(path, 'utf8');
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw new SystemError(`invalid daemon config file ${path}: ${(e as Error).message}`, 'ERR_CONFIG');
  }
}

/** Is something already answering on this socket? (then a second daemon must not steal it) */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export function parseServeArgs(argv: string[]): DaemonConfig {
  const cmd = new Command('berth serve')
    .exitOverride()
    .option('-H, --host <addr>', 'address to listen on: unix:///path or tcp://host:port (TLS only); repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--tls', 'use TLS (TCP listeners also need --tlsverify)')
    .option('--tlsverify', 'use TLS and verify client certificates against --tlscacert (default from DOCKER_TLS_VERIFY)')
    .option('--tlscacert <file>', 'trust client certificates signed by this CA (default $DOCKER_CERT_PATH/ca.pem)', '')
    .option('--tlscert <file>', 'server TLS certificate (default $DOCKER_CERT_PATH/cert.pem)', '')
    .option('--tlskey <file>', 'server TLS key (default $DOCKER_CERT_PATH/key.pem)', '')
    .option('--root <dir>', 'root of persistent state', '')
    .option('--run-root <dir>', 'root of volatile state', '')
    .option('--default-runtime <name>', 'OCI runtime: crun or runc', '')
    .option('--fix-cgroups', 'allow berth to mount a cgroup v1 hugetlb hierarchy so that crun works on a hybrid host')
    .option('--group <name>', 'group owning the socket (mode 0660)', '')
    .option('-p, --pidfile <path>', 'pid file', '')
    .option('--log-driver <name>', 'default driver for container logs (json-file or none)', '')
    .option('--log-opt <key=value>', 'default log driver option; repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--config-file <path>', 'daemon configuration file', '')
    .option('--metrics-addr <host:port>', 'serve Prometheus metrics at http://<host:port>/metrics (e.g. 127.0.0.1:9323)', '')
    .option('--metrics-optional', 'start without metrics (and warn) when the metrics address cannot be listened on')
    .option('--signature-policy <path>', `admission policy (containers-policy.json) for pulls and creates (default ${DEFAULT_POLICY_PATH} when it exists)`, '')
    .option('--ui <host:port>', 'serve the dashboard at start-up (e.g. 127.0.0.1:9000); other addresses than loopback need --ui-tlscert/--ui-tlskey and --ui-tlscacert or --ui-password-file', '')
    .option('--ui-tlscert <file>', "the dashboard's TLS certificate", '')
    .option('--ui-tlskey <file>', "the dashboard's TLS key", '')
    .option('--ui-tlscacert <file>', 'require dashboard clients to present a certificate signed by this CA', '')
    .option('--ui-password-file <file>', 'a file holding a password that also logs in to the dashboard', '')
    .option('--cri <path>', 'also serve the Kubernetes CRI (runtime.v1) over gRPC on this unix socket (e.g. /run/berth/cri.sock)', '')
    .option('--cni-conf-dir <dir>', 'CNI network configs for CRI pods (default /etc/cni/net.d)', '')
    .option('--cni-bin-dir <dirs>', 'CNI plugin directories, colon-separated (default /opt/cni/bin:/usr/lib/cni)', '')
    .option('--log-level <level>', 'debug, info, warn, error', '');
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  // the entry (a user in the host's namespaces) and the daemon it runs in the namespace (uid 0 there) both count as rootless
  const rootless = isRootlessUser() || process.env[ROOTLESS_ENV] === '1';
  const cfgPath = o.configFile || process.env.BERTH_CONFIG || (rootless ? rootlessConfigFile() : '/etc/berth/daemon.json');
  const file = readConfigFile(cfgPath, Boolean(o.configFile));
  configureRegistryHosts(file);
  const pick = (flag: string, key: string, env?: string, dflt = ''): string => flag || (env && process.env[env]) || (file[key] as string) || dflt;
  const root = pick(o.root, 'root', 'BERTH_ROOT', rootless ? rootlessRoot() : DEFAULT_ROOT);
  const runRoot = pick(o.runRoot, 'run-root', 'BERTH_RUN_ROOT', rootless ? rootlessRunRoot() : DEFAULT_RUN_ROOT);
  const rt = pick(o.defaultRuntime, 'default-runtime', 'BERTH_RUNTIME');
  if (rt && rt !== 'crun' && rt !== 'runc') throw new BerthError(`unknown runtime ${rt}: use crun or runc`, { code: 'ERR_RUNTIME', status: 400 });
  const fileLevel = typeof file['log-level'] === 'string' ? file['log-level'] as string : '';
  if (fileLevel && !['debug', 'info', 'warn', 'error'].includes(fileLevel)) throw new SystemError(`invalid log-level ${fileLevel} in ${cfgPath}: use debug, info, warn or error`, 'ERR_CONFIG');
  if (o.logLevel || fileLevel) setLogLevel(o.logLevel || fileLevel);
  const fileHosts = Array.isArray(file.hosts) ? (file.hosts as string[]) : typeof file.host === 'string' ? [file.host] : [];
  // a rootless engine's socket is $XDG_RUNTIME_DIR/berth.sock, where the user's CLI looks for it
  const defaultHost = rootless ? `unix://${xdgRuntimeDir()}/berth.sock` : `unix://${runRoot}/berth.sock`;
  const hosts = (o.host as string[]).length > 0 ? o.host as string[] : fileHosts.length > 0 ? fileHosts : [defaultHost];
  const tls = resolveTls({ tls: o.tls, tlsverify: o.tlsverify, tlscacert: o.tlscacert, tlscert: o.tlscert, tlskey: o.tlskey }, file);
  return {
    logConfig: daemonLogConfig(o.logDriver, o.logOpt as string[], file),
    host: hosts[0],
    hosts,
    tls,
    root,
    runRoot,
    defaultRuntime: (rt || undefined) as DaemonConfig['defaultRuntime'],
    fixCgroups: Boolean(o.fixCgroups) || process.env.BERTH_FIX_CGROUPS === '1' || file['fix-cgroups'] === true,
    group: pick(o.group, 'group') || undefined,
    pidFile: pick(o.pidfile, 'pidfile') || undefined,
    ...(existsSync(cfgPath) ? { configFile: cfgPath } : {}),
    configOptions: file,
    logLevel: o.logLevel || fileLevel || process.env.BERTH_LOG_LEVEL || 'info',
    ...(pick(o.metricsAddr, 'metrics-addr') ? { metricsAddr: pick(o.metricsAddr, 'metrics-addr') } : {}),
    metricsOptional: Boolean(o.metricsOptional) || file['metrics-optional'] === true,
    signaturePolicy: signaturePolicyPath(o.signaturePolicy, file, cfgPath),
    ui: resolveUiConfig({ ui: o.ui, uiTlscert: o.uiTlscert, uiTlskey: o.uiTlskey, uiTlscacert: o.uiTlscacert, uiPasswordFile: o.uiPasswordFile }, file),
    ...criConfig(o, file),
    rootless,
    ...(rootlessNetworkOf(file, cfgPath) ? { rootlessNetwork: rootlessNetworkOf(file, cfgPath) } : {}),
  };
}

/** The CRI listener: --cri / "cri" (a socket path, unix:// optional), --cni-conf-dir / "cni-conf-dir", --cni-bin-dir / "cni-bin-dir". */
function criConfig(o: Record<string, any>, file: Record<string, unknown>): Pick<DaemonConfig, 'cri'> {
  const raw = String(o.cri || (typeof file.cri === 'string' ? file.cri : '') || '');
  if (!raw) return {};
  const socket = raw.replace(/^unix:\/\//, '');
  if (!socket.startsWith('/')) throw new SystemError(`--cri needs an absolute unix socket path, got ${JSON.stringify(raw)}`, 'ERR_CONFIG');
  const confDir = String(o.cniConfDir || file['cni-conf-dir'] || '') || undefined;
  const binDir = String(o.cniBinDir || file['cni-bin-dir'] || '');
  return { cri: { socket, cniConfDir: confDir, cniBinDirs: binDir ? binDir.split(':').filter(Boolean) : undefined } };
}

function rootlessNetworkOf(file: Record<string, unknown>, cfgPath: string): RootlessNetDriverName | undefined {
  const v = file['rootless-network'];
  if (v === undefined) return undefined;
  if (v !== 'pasta' && v !== 'slirp4netns') throw new SystemError(`invalid rootless-network in ${cfgPath}: use pasta or slirp4netns`, 'ERR_CONFIG');
  return v;
}

/** The policy file to enforce: named (then it must be usable, else every image is refused), or the default when it exists. */
function signaturePolicyPath(flag: string, file: Record<string, unknown>, cfgPath: string): string | undefined {
  const fromFile = file['signature-policy'];
  if (fromFile !== undefined && typeof fromFile !== 'string') throw new SystemError(`invalid signature-policy in ${cfgPath}: a path is expected`, 'ERR_CONFIG');
  const named = flag || (fromFile as string | undefined);
  if (named) return named;
  return existsSync(DEFAULT_POLICY_PATH) ? DEFAULT_POLICY_PATH : undefined;
}

/** dockerd's default log config: flags over daemon.json's log-driver/log-opts; checked now, so a bad one stops the start. */
function daemonLogConfig(flagDriver: string, flagOpts: string[], file: Record<string, unknown>): LogConfig {
  const fileOpts = file['log-opts'] ?? {};
  if (typeof fileOpts !== 'object' || Array.isArray(fileOpts) || Object.values(fileOpts as object).some((v) => typeof v !== 'string')) {
    throw new BerthError('log-opts in the daemon config must be an object of strings', { code: 'ERR_CONFIG', status: 400 });
  }
  const Config: Record<string, string> = { ...(fileOpts as Record<string, string>) };
  for (const kv of flagOpts) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new BerthError(`invalid --log-opt ${kv}: expected key=value`, { code: 'ERR_CONFIG', status: 400 });
    Config[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const Type = flagDriver || (typeof file['log-driver'] === 'string' ? file['log-driver'] as string : '') || DEFAULT_LOG_CONFIG.Type;
  validateLogConfig({ Type, Config });
  return { Type, Config };
}

function groupId(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[0] === name);
  if (!line) throw new SystemError(`group ${name} not found`, 'ERR_GROUP');
  return Number(line.split(':')[2]);
}

/** `berth serve`: one Node process serving the Engine API on a unix socket. */
export async function main(argv: string[]): Promise<number | void> {
  let cfg: DaemonConfig;
  try {
    cfg = parseServeArgs(argv);
  } catch (e) {
    if (e instanceof CommanderError) { process.exitCode = e.exitCode === 0 ? 0 : 125; return; }
    if (e instanceof BerthError) { process.stderr.write(`berth serve: ${e.message}\n`); return 1; }
    throw e;
  }
  if (cfg.rootless && process.env[ROOTLESS_ENV] !== '1') {
    // the user's entry: the daemon itself runs in the user namespace this makes (src/rootless/entry.ts)
    try {
      // the rootless code (entry, its network drivers, port forwarding) loads only here and in the daemon it runs
      const [{ runRootlessDaemon }, { prepareRootlessRuntimeDir }, { attachRootlessNetwork }] = await Promise.all([
        import('../rootless/entry.js'), import('../rootless/runtime-dir.js'), import('../rootless/net/attach.js')]);
      const runtimeDir = prepareRootlessRuntimeDir();
      return await runRootlessDaemon({
        command: [process.execPath, ...process.execArgv, process.argv[1]!, 'serve', ...argv],
        runRoot: cfg.runRoot,
        // the rootless network driver the entry connects the daemon's network namespace with (pasta, else slirp4netns)
        attachNetwork: attachRootlessNetwork,
        ...(cfg.rootlessNetwork ? { preferredNetwork: cfg.rootlessNetwork } : {}),
        env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir },
      });
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      process.stderr.write(`berth serve: ${e.message}\n`);
      return 1;
    }
  }
  let addrs: ListenAddress[];
  let tlsOptions: ReturnType<typeof tlsServerOptions> | undefined;
  let metricsAddr: MetricsAddress | undefined;
  try {
    // every address and certificate is checked before any state is touched
    addrs = cfg.hosts.map(parseListenAddress);
    checkTcpAccess(addrs, cfg.tls);
    if (addrs.some((a) => a.kind === 'tcp')) tlsOptions = tlsServerOptions(cfg.tls!.files);
    if (cfg.metricsAddr) metricsAddr = parseMetricsAddr(cfg.metricsAddr);
  } catch (e) {
    if (!(e instanceof BerthError)) throw e;
    process.stderr.write(`berth serve: ${e.message}\n`);
    return 1;
  }
  // the metrics listener is opened before any state is touched too: a port in use stops the start here;
  // prom-client and its ~80 modules are loaded only for a daemon that serves metrics
  const metrics = metricsAddr ? new (await import('../metrics/daemon-metrics.js')).DaemonMetrics() : undefined;
  let metricsServer: Server | undefined;
  if (metricsAddr && metrics) {
    try {
      metricsServer = await listenMetrics(metricsAddr, metrics);
      if (!isLoopback(metricsAddr.host)) log.warn('metrics are served on a non-loopback address without authentication', { address: metricsAddr.display });
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      if (!cfg.metricsOptional) {
        process.stderr.write(`berth serve: ${e.message} (use --metrics-optional to start without metrics)\n`);
        return 1;
      }
      log.warn(`starting without metrics: ${e.message}`);
    }
  }
  const socketPaths = addrs.flatMap((a) => (a.kind === 'unix' ? [a.path] : []));
  const pidFile = cfg.pidFile ?? `${cfg.runRoot}/berth.pid`;
  for (const socketPath of socketPaths) {
    // a directory made here is 711 like the run root's others (CIS: the run root is not listable by all)
    mkdirSync(dirname(socketPath), { recursive: true, mode: 0o711 });
    if (existsSync(socketPath)) {
      if (await socketAlive(socketPath)) throw new SystemError(`another daemon is already listening on ${socketPath}`, 'ERR_DAEMON_RUNNING');
      unlinkSync(socketPath);
    }
  }
  // a bad --group is refused before anything is opened or listened on
  const socketGid = cfg.group ? groupId(cfg.group) : undefined;
  // the native modules load now, not at a container's first attach: a broken install fails at once,
  // before any state is touched, with main's one-line message naming the module
  libc();
  loadSeqpacketBinding();
  if (cfg.rootless) {
    // the daemon in the user namespace: overlays with userxattr (or fuse-overlayfs), opaque dirs as user.* xattrs
    try {
      mkdirSync(`${cfg.root}/tmp`, { recursive: true, mode: 0o711 });
      const { chooseRootlessStorage } = await import('../rootless/storage.js');
      const storage = chooseRootlessStorage(`${cfg.root}/tmp`, process.env.BERTH_ROOTLESS_STORAGE || (cfg.configOptions['storage-driver'] as string | undefined));
      useUserOverlayXattrs();
      log.info('rootless mode', { storage: storage.driver, reason: storage.reason });
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      process.stderr.write(`berth serve: ${e.message}\n`);
      return 1;
    }
  }
  const engine = await Engine.open({ root: cfg.root, runRoot: cfg.runRoot, defaultRuntime: cfg.defaultRuntime, fixCgroups: cfg.fixCgroups && !cfg.rootless, defaultLogConfig: cfg.logConfig, signaturePolicy: cfg.signaturePolicy });
  if (metricsServer && metrics) metrics.attach(engine);
  if (engine.admission) {
    const d = engine.admission.describe();
    log.info('signature policy', { path: d.path, ok: d.ok, ...(d.error ? { error: d.error } : {}) });
  }
  // the CRI's gRPC server (loaded only when asked for: @grpc/grpc-js is a large module)
  const cri = cfg.cri ? await (await import('../cri/server.js')).startCriServer({ engine, runRoot: cfg.runRoot }, cfg.cri) : undefined;
  const facts = daemonFacts(cfg, addrs);
  const ui = new UiManager(engine, cfg.ui, { facts, ...(metricsServer ? { requests: metrics } : {}) });
  if (cfg.ui.address) {
    try {
      await ui.listen();
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      process.stderr.write(`berth serve: ${e.message}\n`);
      await engine.close().catch(() => undefined);
      return 1;
    }
  }
  const servers: Server[] = [];
  for (const addr of addrs) {
    // `berth ui`'s token endpoint only on unix sockets: whoever can reach them is already root-equivalent
    const server = createApiServer(engine, addr.kind === 'tcp' ? tlsOptions : undefined, facts, metricsServer ? metrics : undefined, addr.kind === 'unix' ? uiSocketRoutes(ui) : undefined);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (addr.kind === 'tcp') { server.listen(addr.port, addr.host, () => resolve()); return; }
      // umask so the socket is never world-accessible, not even for a moment
      const old = process.umask(0o117);
      // a backlog above Node's default 511, so 1,000 clients connecting at once are queued, not refused (EAGAIN)
      server.listen({ path: addr.path, backlog: 4096 }, () => { process.umask(old); resolve(); });
    });
    if (addr.kind === 'unix') {
      chmodSync(addr.path, 0o660);
      if (socketGid !== undefined) chownSync(addr.path, 0, socketGid);
    }
  }
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  startHeapTrim();
  log.info('berth serve listening', { hosts: addrs.map((a) => a.display), root: cfg.root, runtime: engine.defaultRuntime, ...(metricsServer ? { metrics: metricsAddr!.display } : {}) });

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down; containers keep running', { signal: sig });
    for (const server of metricsServer ? [...servers, metricsServer] : servers) { server.close(); server.closeAllConnections(); }
    ui.close();
    await cri?.close().catch((e) => log.warn('CRI server close failed', { message: (e as Error).message }));
    try { await engine.close(); } catch (e) { log.error('engine close failed', { message: (e as Error).message }); }
    for (const f of [...socketPaths, pidFile]) { try { unlinkSync(f); } catch { /* already gone */ } }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Serve until a signal ends the process (the caller must not exit when main returns).
  await new Promise<never>(() => {});
}
