/**
 * Fixtures for the audit's unit tests: container and image records as the engine stores them, daemon
 * facts, and a small stand-in for the engine that serves them (the real engine is in daemon.test.ts).
 */
import type { Engine } from '../../src/engine/engine.js';
import type { ContainerRecord } from '../../src/record/container-store.js';
import type { ImageRecord } from '../../src/image/image-store.js';
import type { DaemonFacts } from '../../src/audit/facts.js';
import { NoSuchContainerError, NotSupportedError } from '../../src/common/errors.js';
import { initialState } from '../../src/record/container-store.js';

let seq = 0;

/** A container that passes every runtime check; `hc`/`config`/`state` override parts of it. */
export function goodContainer(name: string, hc: Record<string, unknown> = {}, config: Record<string, unknown> = {}, state: Record<string, unknown> = {}): ContainerRecord {
  seq++;
  return {
    id: seq.toString(16).padStart(64, '0'), name, imageId: 'sha256:' + 'a'.repeat(64), imageRef: 'app', created: new Date().toISOString(),
    path: 'sleep', args: ['1000'],
    config: { Hostname: name, Image: 'app', Healthcheck: { Test: ['CMD', 'true'] }, ...config } as ContainerRecord['config'],
    hostConfig: {
      NetworkMode: 'appnet', Memory: 64 << 20, NanoCpus: 500_000_000, PidsLimit: 50, ReadonlyRootfs: true,
      SecurityOpt: ['no-new-privileges'], CapDrop: ['ALL'], CapAdd: null, Privileged: false,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
      Binds: ['/srv/app-data:/data:ro'], UsernsMode: 'auto', ...hc,
    } as ContainerRecord['hostConfig'],
    state: { ...initialState(), ...state } as ContainerRecord['state'],
    restartCount: 0, runtime: 'crun', conmonPid: 0, manuallyStopped: false,
  };
}

export function image(tag: string, config: Record<string, unknown>, history: Array<{ created_by: string }> = [], id = 'a'): ImageRecord {
  return {
    id: 'sha256:' + id.repeat(64).slice(0, 64), config: { config, history }, manifestDigest: null, manifestMediaType: null, layers: [],
    topChainId: null, size: 0, created: '', repoTags: [`docker.io/library/${tag}`], repoDigests: [], parent: '', lastTagTime: null,
  };
}

export function facts(over: Partial<DaemonFacts> = {}): DaemonFacts {
  return {
    uid: 0, listeners: [{ kind: 'unix', path: '/run/berth/berth.sock' }], config: {}, ignoredConfigKeys: [],
    logLevel: 'info', logDriver: 'json-file', insecureRegistries: [], version: '0.1.0', ...over,
  };
}

export interface FakeEngineOptions {
  containers?: ContainerRecord[];
  images?: ImageRecord[];
  root?: string;
  runRoot?: string;
  /** the default bridge's options (undefined: no bridge networking) */
  bridgeOptions?: Record<string, string>;
  scan?: Engine['scan'];
}

/** The parts of the engine the audit reads, over fixtures. */
export function fakeEngine(o: FakeEngineOptions = {}): Engine {
  const containers = o.containers ?? [];
  return {
    paths: { root: o.root ?? '/var/lib/berth', runRoot: o.runRoot ?? '/run/berth' },
    runtimes: {},
    networks: o.bridgeOptions ? { inspect: (n: string) => (n === 'bridge' ? { Name: 'bridge', Options: o.bridgeOptions } : undefined) } : undefined,
    containers: {
      records: () => containers,
      inspect: (name: string) => {
        const c = containers.find((x) => x.name === name || x.id === name);
        if (!c) throw new NoSuchContainerError(name);
        return { Id: c.id };
      },
    },
    images: { list: () => o.images ?? [] },
    scan: o.scan ?? (async () => { throw new NotSupportedError('scanning is not available yet'); }),
  } as unknown as Engine;
}
