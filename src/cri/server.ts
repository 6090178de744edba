/**
 * `berth serve --cri PATH`: the CRI's RuntimeService and ImageService over gRPC on a unix socket, beside
 * the Engine API on the same engine. The runtime service is assembled from handler sets; methods no set
 * provides answer UNIMPLEMENTED with a message naming them.
 */
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Server, ServerCredentials, status, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { createConnection } from 'node:net';
import { SystemError } from '../common/errors.js';
import { log } from '../common/log.js';
import { CniRunner, DEFAULT_CNI_BIN_DIRS, DEFAULT_CNI_CONF_DIR } from '../network/cni.js';
import { podNetnsDir, removeStalePins } from '../network/netns-pin.js';
import { ContainerService } from './containers.js';
import type { CriContext, GrpcHandlers } from './context.js';
import { CriLogs } from './cri-log.js';
import { CriStore } from './cri-store.js';
import { imageHandlers } from './image-service.js';
import { loadCriServices } from './proto-load.js';
import { runtimeHandlers } from './runtime-service.js';
import { SandboxManager } from './sandboxes.js';
import { startCriStreaming } from './streaming-wiring.js';

export interface CriServerOptions {
  socket: string;
  cniConfDir?: string;
  cniBinDirs?: string[];
}

/** What other handler sets may use. */
export interface CriServices { ctx: CriContext; sandboxes: SandboxManager; containers: ContainerService; store: CriStore; logs: CriLogs }

export interface CriServer { socket: string; services: CriServices; close(): Promise<void> }

function fill(def: ServiceDefinition, handlers: GrpcHandlers, service: string): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const name of Object.keys(def)) {
    const h = handlers[name];
    if (h) { impl[name] = h as never; continue; }
    const m = def[name];
    const message = `${service}.${name} is not implemented by berth yet`;
    const fail = { code: status.UNIMPLEMENTED, details: message, message };
    impl[name] = (m.responseStream
      ? (call: any) => { call.emit('error', fail); }
      : (_call: unknown, cb: (e: unknown) => void) => cb(fail)) as never;
  }
  return impl;
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export async function startCriServer(ctx: CriContext, opts: CriServerOptions): Promise<CriServer> {
  const { RuntimeService, ImageService } = loadCriServices();
  const cni = new CniRunner(opts.cniConfDir ?? DEFAULT_CNI_CONF_DIR, opts.cniBinDirs ?? DEFAULT_CNI_BIN_DIRS);
  const store = new CriStore(join(ctx.engine.paths.root, 'cri'));
  const logs = new CriLogs(ctx.engine);
  const sandboxes = new SandboxManager({ ...ctx, store, cni });
  // a daemon that died between pinning a pod's namespace and recording the pod left the pin behind
  await removeStalePins(podNetnsDir(ctx.runRoot), sandboxes.pinnedNamespaces());
  const containers = new ContainerService({ ...ctx, store, sandboxes, logs });
  const services: CriServices = { ctx, sandboxes, containers, store, logs };
  // running containers' CRI logs resume where the engine's log is (after a daemon restart)
  for (const c of store.containers.items.values()) {
    try { if (c.logPath && ctx.engine.containers.inspect(c.id).State?.Running) logs.follow(c.id, c.logPath, Date.now() / 1000); } catch { /* gone */ }
  }
  let runtimeVersion = ctx.engine.defaultRuntime;
  // the streaming server (exec, attach, port-forward URLs), stats and events: src/cri/streaming-wiring.ts
  const streaming = await startCriStreaming(services);
  const runtime: GrpcHandlers = {
    ...streaming.handlers(services),
    ...runtimeHandlers({ sandboxes, containers, cni, runtimeVersion, handlers: Object.keys(ctx.engine.runtimes) }),
  };
  const server = new Server();
  server.addService(RuntimeService.service, fill(RuntimeService.service, runtime, 'runtime.v1.RuntimeService'));
  server.addService(ImageService.service, fill(ImageService.service, imageHandlers(ctx), 'runtime.v1.ImageService'));
  mkdirSync(dirname(opts.socket), { recursive: true, mode: 0o711 });
  if (existsSync(opts.socket)) {
    if (await socketAnswers(opts.socket)) throw new SystemError(`another process is already serving on the CRI socket ${opts.socket}`, 'ERR_DAEMON_RUNNING');
    unlinkSync(opts.socket);
  }
  await new Promise<void>((resolve, reject) => {
    const old = process.umask(0o177);
    server.bindAsync(`unix://${opts.socket}`, ServerCredentials.createInsecure(), (err) => {
      process.umask(old);
      if (err) reject(err); else resolve();
    });
  });
  chmodSync(opts.socket, 0o600);
  log.info('CRI listening', { socket: opts.socket, cniConfDir: cni.confDir });
  runtimeVersion = ctx.engine.defaultRuntime;
  return {
    socket: opts.socket, services,
    close: () => new Promise<void>((resolve) => {
      logs.close();
      void streaming.close();
      server.tryShutdown(() => { try { unlinkSync(opts.socket); } catch { /* gone */ } resolve(); });
      setTimeout(() => { server.forceShutdown(); resolve(); }, 2000).unref();
    }),
  };
}
