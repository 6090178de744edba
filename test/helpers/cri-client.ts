/**
 * A CRI client for tests, built from the same pinned proto as the server (src/cri/proto/api.proto),
 * with the server's loader options (int64 as strings, enums as names). Each method returns a promise;
 * a gRPC error rejects with `code` (a grpc status) and `details`.
 */
import { credentials, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { existsSync, mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadCriServices } from '../../src/cri/proto-load.js';

export { status as grpcStatus };

type Call = (req?: any, opts?: { timeoutMs?: number }) => Promise<any>;
export type CriClient = Record<string, Call> & { close(): void };

function promisify(client: Client, defaultTimeoutMs: number): CriClient {
  const out: Record<string, unknown> = {};
  const proto = Object.getPrototypeOf(client) as Record<string, unknown>;
  for (const name of Object.keys(proto)) {
    const fn = (client as unknown as Record<string, Function>)[name];
    if (typeof fn !== 'function' || !/^[A-Z]/.test(name)) continue;
    out[name] = (req: any = {}, opts: { timeoutMs?: number } = {}) => new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + (opts.timeoutMs ?? defaultTimeoutMs));
      fn.call(client, req, { deadline }, (err: ServiceError | null, res: any) => (err ? reject(err) : resolve(res)));
    });
  }
  out.close = () => client.close();
  return out as CriClient;
}

/** RuntimeService and ImageService clients on a unix socket. */
export function criClients(socket: string, defaultTimeoutMs = 60_000): { runtime: CriClient; image: CriClient; close(): void } {
  const { RuntimeService, ImageService } = loadCriServices();
  const addr = `unix://${socket}`;
  const runtime = promisify(new RuntimeService(addr, credentials.createInsecure()), defaultTimeoutMs);
  const image = promisify(new ImageService(addr, credentials.createInsecure()), defaultTimeoutMs);
  return { runtime, image, close() { runtime.close(); image.close(); } };
}

/** The error a call rejects with, or a failure when it succeeds. */
export async function grpcError(p: Promise<unknown>): Promise<ServiceError> {
  try { await p; } catch (e) { return e as ServiceError; }
  throw new Error('the call succeeded; an error was expected');
}

/**
 * A CNI config for the tests: bridge (cni-berth0, its own subnet), host-local with its data dir in a temp
 * dir (never /var/lib/cni), portmap. Returns the conf dir and the IPAM data dir.
 */
export function writeTestCniConfig(opts: { subnet?: string; bridge?: string } = {}): { confDir: string; dataDir: string; base: string } {
  const missing = ['bridge', 'host-local', 'portmap', 'tuning'].filter((p) => !['/opt/cni/bin', '/usr/lib/cni'].some((d) => existsSync(join(d, p))));
  if (missing.length) throw new Error(`CNI plugins ${missing.join(', ')} are missing: install Debian's containernetworking-plugins (scripts/install-deps.sh --test)`);
  const base = mkdtempSync('/tmp/bt-cni-');
  const confDir = join(base, 'net.d');
  const dataDir = join(base, 'ipam');
  mkdirSync(confDir); mkdirSync(dataDir);
  const conf = {
    cniVersion: '1.0.0', name: 'berth-cri-test',
    plugins: [
      { type: 'bridge', bridge: opts.bridge ?? 'cni-berth0', isGateway: true, ipMasq: false, hairpinMode: true,
        ipam: { type: 'host-local', dataDir, routes: [{ dst: '0.0.0.0/0' }], ranges: [[{ subnet: opts.subnet ?? '10.88.0.0/16' }]] } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  writeFileSync(join(confDir, '10-berth-test.conflist'), JSON.stringify(conf, null, 2));
  return { confDir, dataDir, base };
}

/** A PodSandboxConfig with test defaults (unique names per call). */
let seq = 0;
export function podConfig(over: Record<string, any> = {}): any {
  seq++;
  const uid = `uid-${process.pid}-${seq}-${Date.now().toString(36)}`;
  return {
    metadata: { name: `pod-${seq}`, namespace: 'default', uid, attempt: 0 },
    hostname: `pod-${seq}`,
    labels: { app: 'test' },
    annotations: {},
    linux: {},
    ...over,
  };
}
