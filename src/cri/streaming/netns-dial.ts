/**
 * A TCP connection to localhost:port inside a pod's network namespace, the way containerd's
 * PortForward dials (it enters the sandbox's netns on a locked OS thread): a socket belongs to the
 * namespace it was made in, so the daemon's main thread enters the namespace for the one socket(2)
 * call and returns at once (synchronous: no JavaScript, socket or timer of the daemon runs in between;
 * libuv's worker threads keep their namespace). The connect then runs on Node's event loop like any
 * other. No helper process (socat, nsenter) per connection; the return is verified, and a thread that
 * cannot return stops the daemon rather than serve from a pod's namespace (as network/netns-spawn.ts).
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { libcFunction } from '../../common/libc.js';
import { log } from '../../common/log.js';
import { SystemError } from '../../common/errors.js';
import { AF_INET, AF_INET6, CLONE_NEWNET, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM, THREAD_NETNS } from '../../common/linux-abi.js';


/** A non-blocking TCP socket made inside the network namespace at `netnsPath`. */
function socketIn(netnsPath: string, family: number): number {
  const setns = libcFunction('setns');
  const socket = libcFunction('socket');
  const target = openSync(netnsPath, 'r');
  const own = openSync(THREAD_NETNS, 'r');
  const ownIno = fstatSync(own).ino;
  try {
    if (setns(target, CLONE_NEWNET) !== 0) throw new SystemError(`cannot enter the pod's network namespace ${netnsPath}`, 'ERR_CRI_PORT_FORWARD');
    let fd = -1;
    try {
      fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    } finally {
      let back = false;
      for (let attempt = 0; attempt < 3 && !back; attempt++) {
        setns(own, CLONE_NEWNET);
        back = statSync(THREAD_NETNS).ino === ownIno;
      }
      if (!back) {
        log.error('the daemon could not return to its own network namespace after a port-forward dial; stopping');
        process.exit(70);
      }
    }
    if (fd < 0) throw new SystemError('socket(2) failed in the pod\'s network namespace', 'ERR_CRI_PORT_FORWARD');
    return fd;
  } finally {
    closeSync(own);
    closeSync(target);
  }
}

function connectFd(fd: number, port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // manualStart: no read before the connect (the wrapped fd is not connected yet)
    const s = new Socket({ fd, readable: true, writable: true, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
    const fail = (e: Error) => { s.destroy(); reject(e); };
    s.once('error', fail);
    s.connect(port, host, () => { s.off('error', fail); resolve(s); });
  });
}

/**
 * Connect to localhost:port in the namespace (127.0.0.1, then ::1 when nothing listens there), or in
 * the daemon's own namespace when `netnsPath` is undefined (host-network pods).
 */
export async function dialInNetns(netnsPath: string | undefined, port: number): Promise<Socket> {
  const attempt = (family: number, host: string) => netnsPath === undefined
    ? new Promise<Socket>((resolve, reject) => {
      const s = new Socket();
      s.once('error', reject);
      s.connect(port, host, () => { s.off('error', reject); resolve(s); });
    })
    : connectFd(socketIn(netnsPath, family), port, host);
  try {
    return await attempt(AF_INET, '127.0.0.1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
    try { return await attempt(AF_INET6, '::1'); } catch { throw e; }
  }
}
