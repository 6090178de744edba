/**
 * Relays TCP connections between two sockets with splice(2) on one worker thread (splice-worker.ts), so
 * a published port's bytes never pass through JavaScript or the daemon's event loop: a copy in JS moved
 * them through the daemon's one thread at about half of rootless Podman's throughput (docs/performance.md,
 * section rootless-relay).
 *
 * This thread owns every descriptor: it dups the sockets out of Node's handles, makes the pipes, the epoll
 * set and the eventfd, and closes them all when the worker says a connection is done, or when the worker
 * dies (a crash there ends its connections, never the daemon; the next connection starts a new worker).
 * Half-close passes through (EOF on one side becomes shutdown(SHUT_WR) on the other); a connection ends
 * when both directions have ended, or at the first error (a reset, a peer gone), which closes both sockets.
 */
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { lastErrno, libcFunction } from '../../common/libc.js';
import { log } from '../../common/log.js';
import {
  EFD_CLOEXEC, EFD_NONBLOCK, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_DATA_OFFSET, EPOLL_EVENT_SIZE, EPOLLIN, F_DUPFD_CLOEXEC, F_SETFL, F_SETPIPE_SZ,
  O_CLOEXEC, O_NONBLOCK,
} from '../../common/linux-abi.js';
import type { RelayFromWorker, RelayToWorker, RelayWorkerData } from './splice-protocol.js';

/** BERTH_ROOTLESS_RELAY=js in the daemon's environment: copy in JavaScript, as before the splice relay */
export const RELAY_ENV = 'BERTH_ROOTLESS_RELAY';
/**
 * Each direction's pipe. The kernel counts pipe buffers per user (fs.pipe-user-pages-soft, 64 MiB by
 * default) and gives pipes made past that limit two pages only; large pipes go to the first connections.
 */
const PIPE_SIZE = 256 * 1024;
const DEFAULT_PIPE_SIZE = 64 * 1024;
const LARGE_PIPE_CONNECTIONS = 32;

export interface RelayEnd {
  /** the failed call and its errno; 'dropped' when closed by drop(); 'worker exited' */
  error?: string;
  /** bytes moved a → b and b → a */
  bytes: [number, number];
}

interface Open { fds: number[]; resolve: (r: RelayEnd) => void }

/** One worker and what it serves; a new generation replaces one whose worker died. */
interface Generation {
  worker: Worker;
  epoll: number;
  wake: number;
  stop: Int32Array;
  open: Map<number, Open>;
  dead: boolean;
}

type Libc = Record<'close' | 'fcntl' | 'pipe2' | 'eventfd' | 'epoll_create1' | 'epoll_ctl' | 'write', ReturnType<typeof libcFunction>>;

export class SpliceRelay {
  private gen: Generation | null = null;
  private nextId = 1;
  private readonly one = Buffer.alloc(8);

  private constructor(private readonly workerUrl: URL, private readonly c: Libc) {
    this.one.writeBigUInt64LE(1n);
  }

  /** The relay, or null where it cannot run here (no koffi, no worker module beside this one). */
  static create(): SpliceRelay | null {
    const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './splice-worker.ts' : './splice-worker.js', import.meta.url);
    if (workerUrl.protocol !== 'file:' || !existsSync(fileURLToPath(workerUrl))) return null;
    try {
      const c = Object.fromEntries((['close', 'fcntl', 'pipe2', 'eventfd', 'epoll_create1', 'epoll_ctl', 'write'] as const).map((n) => [n, libcFunction(n)])) as Libc;
      return new SpliceRelay(workerUrl, c);
    } catch (e) {
      log.debug('splice relay unavailable', { error: (e as Error).message });
      return null;
    }
  }

  /**
   * Start the worker now (a published port does), so the first connection does not wait for a thread
   * to start; false where it cannot start.
   */
  prepare(): boolean {
    try { this.generation(); return true; } catch (e) {
      log.warn('rootless port relay: the splice worker cannot start; relaying in JavaScript', { error: (e as Error).message });
      return false;
    }
  }

  /** Connections being relayed now. */
  get size(): number { return this.gen?.open.size ?? 0; }

  /**
   * Relay between two connected TCP sockets, given as descriptors this relay now owns (it closes them).
   * Resolves when the connection is over.
   */
  relayFds(a: number, b: number): { id: number; done: Promise<RelayEnd> } {
    const id = this.nextId++;
    const fds = [a, b];
    let gen: Generation;
    try {
      gen = this.generation();
      for (const fd of [a, b]) if (this.c.fcntl(fd, F_SETFL, 'int', O_NONBLOCK) < 0) throw new Error(`fcntl(F_SETFL): errno ${lastErrno()}`);
      const large = gen.open.size < LARGE_PIPE_CONNECTIONS;
      const ab = this.pipe(fds, large);
      const ba = this.pipe(fds, large);
      const done = new Promise<RelayEnd>((resolve) => gen.open.set(id, { fds, resolve }));
      this.send(gen, { op: 'add', id, a, b, pipeAB: ab.fds, pipeBA: ba.fds, pipeSize: Math.min(ab.size, ba.size) });
      return { id, done };
    } catch (e) {
      for (const fd of fds) this.c.close(fd);
      return { id, done: Promise.resolve({ error: (e as Error).message, bytes: [0, 0] }) };
    }
  }

  /**
   * Relay between two connected net.Sockets: their descriptors are duplicated and the Sockets destroyed
   * (libuv takes them out of its epoll set first), so nothing reads them but the worker. Call it before the
   * sockets have read anything (a server with pauseOnConnect, a client socket just connected).
   */
  relaySockets(a: Socket, b: Socket): { id: number; done: Promise<RelayEnd> } {
    const fa = this.dup(a);
    const fb = fa < 0 ? -1 : this.dup(b);
    a.destroy();
    b.destroy();
    if (fa < 0 || fb < 0) {
      if (fa >= 0) this.c.close(fa);
      return { id: 0, done: Promise.resolve({ error: 'no descriptor to relay', bytes: [0, 0] }) };
    }
    return this.relayFds(fa, fb);
  }

  /** A descriptor of a net.Socket's own, or -1. */
  dup(s: Socket): number {
    const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return -1;
    return this.c.fcntl(fd, F_DUPFD_CLOEXEC, 'int', 3);
  }

  /** End a connection now (its sockets are closed, as a destroyed net.Socket's are). */
  drop(id: number): void {
    const gen = this.gen;
    if (gen?.open.has(id)) this.send(gen, { op: 'drop', id });
  }

  /** For the tests: make the worker throw, as a bug there would. */
  crashWorker(): void {
    if (this.gen) this.send(this.gen, { op: 'crash' });
  }

  /** Stop the worker; open connections end (their sockets are closed). */
  close(): Promise<void> {
    const gen = this.gen;
    if (!gen) return Promise.resolve();
    return new Promise((resolve) => {
      gen.worker.once('exit', () => resolve());
      this.stopWorker(gen);
    });
  }

  private pipe(owned: number[], large: boolean): { fds: [number, number]; size: number } {
    const b = Buffer.alloc(8);
    if (this.c.pipe2(b, O_CLOEXEC | O_NONBLOCK) !== 0) throw new Error(`pipe2: errno ${lastErrno()}`);
    const fds: [number, number] = [b.readInt32LE(0), b.readInt32LE(4)];
    owned.push(...fds);
    const size = large ? this.c.fcntl(fds[0], F_SETPIPE_SZ, 'int', PIPE_SIZE) : -1;
    return { fds, size: size > 0 ? size : DEFAULT_PIPE_SIZE };
  }

  private send(gen: Generation, m: RelayToWorker): void {
    gen.worker.postMessage(m);
    this.c.write(gen.wake, this.one, 8);
  }

  private stopWorker(gen: Generation): void {
    Atomics.store(gen.stop, 0, 1);
    this.c.write(gen.wake, this.one, 8);
  }

  private generation(): Generation {
    if (this.gen && !this.gen.dead) return this.gen;
    const epoll = this.c.epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0) throw new Error(`epoll_create1: errno ${lastErrno()}`);
    const wake = this.c.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) { this.c.close(epoll); throw new Error(`eventfd: errno ${lastErrno()}`); }
    const ev = Buffer.alloc(EPOLL_EVENT_SIZE);
    ev.writeUInt32LE(EPOLLIN, 0);
    ev.writeUInt32LE(wake, EPOLL_DATA_OFFSET);
    if (this.c.epoll_ctl(epoll, EPOLL_CTL_ADD, wake, ev) !== 0) { this.c.close(wake); this.c.close(epoll); throw new Error(`epoll_ctl: errno ${lastErrno()}`); }
    const stop = new SharedArrayBuffer(4);
    const workerData: RelayWorkerData = { epoll, wake, stop };
    const worker = new Worker(this.workerUrl, { workerData, stdout: false, stderr: false });
    const gen: Generation = { worker, epoll, wake, stop: new Int32Array(stop), open: new Map(), dead: false };
    worker.unref();
    worker.on('message', (m: RelayFromWorker) => {
      const o = gen.open.get(m.id);
      if (!o) return;
      gen.open.delete(m.id);
      for (const fd of o.fds) this.c.close(fd);
      o.resolve({ error: m.error, bytes: m.bytes });
    });
    worker.on('error', (e) => {
      gen.dead = true;
      log.warn('rootless port relay: the worker failed; its connections are closed, the next one starts a new worker', { error: e.message });
    });
    worker.on('exit', () => {
      gen.dead = true;
      // messages posted before the exit were delivered first: what is left, the worker never finished
      for (const o of gen.open.values()) { for (const fd of o.fds) this.c.close(fd); o.resolve({ error: 'worker exited', bytes: [0, 0] }); }
      gen.open.clear();
      this.c.close(wake);
      this.c.close(epoll);
      if (this.gen === gen) this.gen = null;
    });
    // a worker blocked in epoll_wait would hold up the process's exit for up to a second
    const onExit = () => this.stopWorker(gen);
    process.once('exit', onExit);
    worker.once('exit', () => process.off('exit', onExit));
    this.gen = gen;
    return gen;
  }
}

let shared: SpliceRelay | null | undefined;

/** The process's splice relay, made on first use; null where it cannot run or BERTH_ROOTLESS_RELAY=js. */
export function spliceRelay(): SpliceRelay | null {
  if (shared === undefined) shared = process.env[RELAY_ENV] === 'js' ? null : SpliceRelay.create();
  return shared;
}
