/** The messages shared by the splice relay (splice-relay.ts) and its worker (splice-worker.ts); the Linux numbers are in common/linux-abi.ts. */

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
