/**
 * The relay's worker thread (splice-relay.ts starts it): moves the bytes of every relayed TCP connection
 * with splice(2), socket → pipe → socket, so they never enter JavaScript and never cross the daemon's
 * event loop. One thread serves all connections: an edge-triggered epoll set over every relayed socket,
 * plus an eventfd the daemon's thread writes to when it posts a message.
 *
 * The daemon's thread owns every descriptor (sockets, pipes, the epoll set, the eventfd) and closes them;
 * this thread never closes one. It removes a finished connection's sockets from the epoll set, then says
 * `done`. So a crash here leaks nothing: the daemon closes what it handed over.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { lastErrno, libcFunction } from '../../common/libc.js';
import type { RelayToWorker, RelayFromWorker, RelayWorkerData } from './splice-protocol.js';
import { EPOLL_DATA_OFFSET, EPOLL_EVENT_SIZE, EPOLLET, EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLL_CTL_ADD, EPOLL_CTL_DEL, SHUT_WR, SPLICE_F_MOVE, SPLICE_F_NONBLOCK } from '../../common/linux-abi.js';

const EAGAIN = 11;
const EINTR = 4;
const MAX_EVENTS = 128;
/** epoll_wait's bound: the stop flag is looked at this often even when no descriptor wakes the thread */
const WAIT_MS = 1000;

const splice = libcFunction('splice');
const shutdown = libcFunction('shutdown');
const epollCtl = libcFunction('epoll_ctl');
const epollWait = libcFunction('epoll_wait');
const read = libcFunction('read');

/** One direction: src → pipe → dst. */
interface Half {
  src: number; dst: number; pipeR: number; pipeW: number;
  /** bytes in the pipe */
  queued: number;
  /** src said EOF */
  eof: boolean;
  /** dst was shut down for writing (the EOF passed on) */
  closed: boolean;
  bytes: number;
}

interface Conn { id: number; a: number; b: number; halves: [Half, Half]; pipeSize: number }

const data = workerData as RelayWorkerData;
const port = parentPort!;
const stop = new Int32Array(data.stop);
const byFd = new Map<number, Conn>();
const conns = new Map<number, Conn>();
const ev = Buffer.alloc(EPOLL_EVENT_SIZE);
const events = Buffer.alloc(EPOLL_EVENT_SIZE * MAX_EVENTS);
const counter = Buffer.alloc(8);

function post(m: RelayFromWorker): void { port.postMessage(m); }

function watch(fd: number): void {
  ev.writeUInt32LE((EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET) >>> 0, 0);
  ev.fill(0, 4);
  ev.writeUInt32LE(fd, EPOLL_DATA_OFFSET);
  if (epollCtl(data.epoll, EPOLL_CTL_ADD, fd, ev) !== 0) throw new Error(`epoll_ctl ADD ${fd}: errno ${lastErrno()}`);
}

function finish(c: Conn, error?: string): void {
  if (!conns.delete(c.id)) return;
  for (const fd of [c.a, c.b]) { epollCtl(data.epoll, EPOLL_CTL_DEL, fd, ev); byFd.delete(fd); }
  post({ op: 'done', id: c.id, error, bytes: [c.halves[0].bytes, c.halves[1].bytes] });
}

/** Move what can move now in one direction; an error names the failed call and errno. */
function pump(h: Half, pipeSize: number): string | undefined {
  for (;;) {
    if (h.queued > 0) {
      const n = splice(h.pipeR, null, h.dst, null, h.queued, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) { h.queued -= n; h.bytes += n; continue; }
      const e = lastErrno();
      if (e === EAGAIN) return undefined;
      if (e === EINTR) continue;
      return `write: errno ${e}`;
    }
    if (h.eof) {
      if (!h.closed) { h.closed = true; shutdown(h.dst, SHUT_WR); }
      return undefined;
    }
    const n = splice(h.src, null, h.pipeW, null, pipeSize - h.queued, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) { h.queued += n; continue; }
    if (n === 0) { h.eof = true; continue; }
    const e = lastErrno();
    if (e === EAGAIN) return undefined;
    if (e === EINTR) continue;
    return `read: errno ${e}`;
  }
}

function service(c: Conn): void {
  for (const h of c.halves) {
    const err = pump(h, c.pipeSize);
    if (err) { finish(c, err); return; }
  }
  if (c.halves[0].closed && c.halves[1].closed) finish(c);
}

function onMessage(m: RelayToWorker): void {
  if (m.op === 'add') {
    const half = (src: number, dst: number, pipe: [number, number]): Half => ({ src, dst, pipeR: pipe[0], pipeW: pipe[1], queued: 0, eof: false, closed: false, bytes: 0 });
    const c: Conn = { id: m.id, a: m.a, b: m.b, pipeSize: m.pipeSize, halves: [half(m.a, m.b, m.pipeAB), half(m.b, m.a, m.pipeBA)] };
    conns.set(c.id, c);
    byFd.set(c.a, c);
    byFd.set(c.b, c);
    try { watch(c.a); watch(c.b); } catch (e) { finish(c, (e as Error).message); return; }
    service(c);
  } else if (m.op === 'drop') {
    const c = conns.get(m.id);
    if (c) finish(c, 'dropped');
  } else if (m.op === 'crash') {
    // the tests' way to see that a failing worker does not take the daemon down
    throw new Error('relay worker: crash requested');
  }
}

for (;;) {
  if (Atomics.load(stop, 0) !== 0) break;
  const n = epollWait(data.epoll, events, MAX_EVENTS, WAIT_MS);
  if (n < 0) {
    if (lastErrno() === EINTR) continue;
    throw new Error(`epoll_wait: errno ${lastErrno()}`);
  }
  for (let i = 0; i < n; i++) {
    const fd = events.readUInt32LE(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
    if (fd === data.wake) {
      read(data.wake, counter, 8);
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) onMessage(m.message as RelayToWorker);
      continue;
    }
    const c = byFd.get(fd);
    if (c) service(c);
  }
}
