import { rootlessInfo } from '../../rootless/facts.js';
import { cpus, hostname, release, totalmem, arch as osArch } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Router } from '../router.js';
import { API_VERSION, MIN_API_VERSION, parseTimestamp, sendJson } from '../http.js';
import { BERTH_VERSION } from '../../common/version.js';
import { shapeInfo } from '../versions/shape.js';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch { /* not fatal */ }
  return 'Linux';
}

export function systemRoutes(r: Router): void {
  const ping = (head: boolean) => ({ res }: { res: import('node:http').ServerResponse }) => {
    res.writeHead(200, {
      'API-Version': API_VERSION,
      'OSType': 'linux',
      'Docker-Experimental': 'false',
      'Builder-Version': '1',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      'Pragma': 'no-cache',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': '2',
    });
    res.end(head ? undefined : 'OK');
  };
  r.get('/_ping', ping(false));
  r.head('/_ping', ping(true));

  r.get('/version', ({ res }) => {
    const arch = GOARCH[osArch()] ?? osArch();
    sendJson(res, 200, {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: arch, KernelVersion: release() } }],
      Version: BERTH_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: `node ${process.version}`,
      Os: 'linux',
      Arch: arch,
      KernelVersion: release(),
      BuildTime: '',
    });
  });

  r.get('/info', ({ res, engine, version }) => {
    const list = engine.containers.list({ all: true });
    const count = (s: string) => list.filter((c: { State: string }) => c.State === s).length;
    const runtimes: Record<string, { path: string }> = {};
    for (const [name, rt] of Object.entries(engine.runtimes)) runtimes[name] = { path: rt.info.binary ?? rt.info.path };
    const policy = engine.admission?.describe();
    const rootless = rootlessInfo();
    sendJson(res, 200, shapeInfo(version, {
      ID: engine.daemonId,
      Containers: list.length,
      ContainersRunning: count('running'),
      ContainersPaused: count('paused'),
      ContainersStopped: list.length - count('running') - count('paused'),
      Images: engine.images.list().length,
      Driver: rootless?.storage?.driver === 'fuse-overlayfs' ? 'fuse-overlayfs' : 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ...(rootless?.storage ? [['Rootless storage', rootless.storage.reason]] : [])],
      ...(rootless ? { Rootless: true, RootlessNetwork: rootless.network, RootlessCgroupLimits: rootless.cgroups?.limits ?? false, RootlessCgroupReason: rootless.cgroups?.reason ?? '' } : {}),
      Plugins: { Volume: [], Network: ['host', 'null'], Authorization: [], Log: ['json-file', 'none'] },
      MemoryLimit: true,
      SwapLimit: engine.cgroups.version === 2,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: false,
      Debug: false,
      NFd: 0,
      OomKillDisable: engine.cgroups.version === 1,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: engine.containers.defaultLogConfig.Type,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: String(engine.cgroups.version),
      NEventsListener: engine.eventLog.listenerCount('event'),
      KernelVersion: release(),
      OperatingSystem: osName(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: osArch() === 'x64' ? 'x86_64' : osArch(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: [],
      DockerRootDir: engine.paths.root,
      HttpProxy: '', HttpsProxy: '', NoProxy: '',
      Name: hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION,
      Runtimes: runtimes,
      DefaultRuntime: engine.defaultRuntime,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'catatonit',
      ContainerdCommit: { ID: '' },
      RuncCommit: { ID: '' },
      InitCommit: { ID: '' },
      SecurityOptions: ['name=seccomp,profile=builtin', ...(rootless ? ['name=rootless'] : []), ...(engine.cgroups.version === 2 ? ['name=cgroupns'] : []), ...policyOptions(policy)],
      Warnings: [...(policy && !policy.ok ? [...engine.warnings, `signature policy ${policy.path} is invalid, every image is refused: ${policy.error}`] : engine.warnings),
        ...(rootless?.cgroups && !rootless.cgroups.limits ? [`WARNING: rootless mode: resource limits are refused: ${rootless.cgroups.reason}`] : [])],
    }));
  });

  r.get('/events', async ({ req, res, query, engine }) => {
    const abort = new AbortController();
    const events = engine.events({ filters: query.filters(), since: parseTimestamp(query.str('since')), until: parseTimestamp(query.str('until')), signal: abort.signal });
    req.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // clients (docker stats) wait for the headers before they go on: send them before the first event
    res.flushHeaders();
    for await (const ev of events) res.write(JSON.stringify(ev) + '\n');
    res.end();
  });
}

/**
 * The admission policy as a SecurityOptions entry: docker clients parse `name=…,key=value` entries and
 * print unknown ones as they are, so `docker info` shows it too (a comma in the path would split it: escaped).
 */
function policyOptions(policy: { path: string; ok: boolean } | undefined): string[] {
  if (!policy) return [];
  return [`name=signature-policy,path=${policy.path.replace(/,/g, '%2C')}${policy.ok ? '' : ',status=invalid'}`];
}
