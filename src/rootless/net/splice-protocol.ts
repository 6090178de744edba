/** The messages and constants shared by the splice relay (splice-relay.ts) and its worker (splice-worker.ts). */

export interface RelayWorkerData {
  epoll: number;
  /** an eventfd in the epoll set: written after each message, so the blocked worker looks at its port */
  wake: number;
  /** Int32Array[1] over it: non-zero asks the worker to return */
  stop: SharedArrayBuffer;
}

export type RelayToWorker =
  | { op: 'add'; id: number; a: number; b: number; pipeAB: [number, number]; pipeBA: [number, number]; pipeSize: number }
  | { op: 'drop'; id: number }
  | { op: 'crash' };

/** `bytes`: moved a → b and b → a. `error`: the failed call and its errno, or 'dropped'. */
export type RelayFromWorker = { op: 'done'; id: number; error?: string; bytes: [number, number] };

// Linux x86-64 / aarch64 values
export const EPOLLIN = 0x001;
export const EPOLLOUT = 0x004;
export const EPOLLRDHUP = 0x2000;
export const EPOLLET = 0x80000000;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CLOEXEC = 0o2000000;
/** struct epoll_event is packed on x86-64 (u32 events, u64 data); aarch64 pads it to 16 */
export const EPOLL_EVENT_SIZE = process.arch === 'x64' ? 12 : 16;
/** where epoll_data (the descriptor, here) sits in it */
export const EPOLL_DATA_OFFSET = process.arch === 'x64' ? 4 : 8;
export const EFD_CLOEXEC = 0o2000000;
export const EFD_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const F_SETPIPE_SZ = 1031;
export const SPLICE_F_MOVE = 1;
export const SPLICE_F_NONBLOCK = 2;
export const SHUT_WR = 1;
