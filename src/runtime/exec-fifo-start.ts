/**
 * `crun start` without the crun process. A container that `crun create` made waits in its init for
 * one byte on <state dir>/exec.fifo; `crun start` reads the state, checks the init is alive, opens the
 * fifo for writing, unlinks it (from then on `crun state` says running) and writes the byte, then runs
 * the spec's poststart hooks. For a spec without poststart hooks the daemon does the same with three
 * syscalls instead of a process start (an exec of crun, its state and config parsing: 3-10 ms of a
 * `run`'s critical path, more on a busy host).
 *
 * Only for crun (runc's fifo protocol differs) and only as a shortcut: when the fifo is not there or
 * has no reader (the init is gone), it answers false before anything changed, and the caller runs
 * `crun start`, which reports the error as before.
 */
import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { log } from '../common/log.js';

/** The byte crun writes (its buffer is zeroed); the init only waits for one to arrive. */
const START_BYTE = Buffer.from([0]);

/** true: the container's init was released; false: nothing was done (use `crun start`). */
export async function startThroughExecFifo(stateDir: string, id: string): Promise<boolean> {
  const fifo = join(stateDir, 'exec.fifo');
  let fh;
  // O_NONBLOCK: ENXIO at once when no init holds the other end (instead of blocking as crun's open would); libuv adds O_CLOEXEC
  try { fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK); } catch { return false; }
  try {
    const { bytesWritten } = await fh.write(START_BYTE, 0, 1);
    if (bytesWritten !== 1) return false;
  } catch {
    return false;
  } finally {
    await fh.close().catch(() => undefined);
  }
  // after the write (crun unlinks first): a failed write leaves the fifo for `crun start`
  await unlink(fifo).catch((e) => log.warn('exec.fifo of a started container not removed', { container: id.slice(0, 12), error: (e as Error).message }));
  return true;
}
