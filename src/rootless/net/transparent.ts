/**
 * The client's real source address for published TCP ports in rootless mode. The daemon accepts a
 * connection on the socket the entry bound on the host, and opens its own to the container; with
 * IP_TRANSPARENT that second socket may bind the client's address (the daemon is root of its user
 * namespace, which owns the network namespace, so it holds CAP_NET_ADMIN there), and the container sees
 * the client as it is. Its answers go to the client's address, which the namespace would route out
 * through the tap device: the usual transparent-proxy routing brings them back to the daemon's socket
 * (nftables marks packets that belong to a transparent socket, and a policy rule sends marked packets to
 * a `local` route).
 *
 * Node has no IP_TRANSPARENT, so the socket is made through libc (koffi): socket, setsockopt, bind and a
 * blocking connect on a libuv worker, then handed to net.Socket. Anything that fails answers null and the
 * caller connects the ordinary way (the container then sees its gateway).
 */
import { Socket } from 'node:net';
import { isIPv4 } from 'node:net';
import { run } from '../../common/exec.js';
import { libcFunction } from '../../common/libc.js';
import { log } from '../../common/log.js';
import { AF_INET, SOCK_CLOEXEC, SOCK_STREAM } from '../../common/linux-abi.js';

const SOL_IP = 0;
const SOL_SOCKET = 1;
const IP_TRANSPARENT = 19;
const SO_SNDTIMEO = 21;
/** connect gives up after this (SO_SNDTIMEO bounds a blocking connect), so a worker thread is never held long */
const CONNECT_TIMEOUT_S = 5;
/** BERTH_ROOTLESS_TRANSPARENT=0 in the daemon's environment: containers see the gateway, as with Docker's userland proxy */
export const TRANSPARENT_ENV = 'BERTH_ROOTLESS_TRANSPARENT';
export const TPROXY_MARK = 0xb57;
export const TPROXY_TABLE = 2903;
export const TPROXY_NFT_TABLE = 'berth_rootless';

function sockaddrIn(ip: string, port: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(AF_INET, 0);
  b.writeUInt16BE(port, 2);
  ip.split('.').forEach((o, i) => b.writeUInt8(Number(o), 4 + i));
  return b;
}

let routing: Promise<boolean> | undefined;

/** The mark rule and the policy route, once per daemon; false where the namespace refuses them. */
export function ensureTransparentRouting(): Promise<boolean> {
  routing ??= (async () => {
    const nft = [
      `add table ip ${TPROXY_NFT_TABLE}`,
      `delete table ip ${TPROXY_NFT_TABLE}`,
      `table ip ${TPROXY_NFT_TABLE} {`,
      '  chain divert {',
      '    type filter hook prerouting priority mangle; policy accept;',
      `    meta l4proto tcp socket transparent 1 meta mark set ${TPROXY_MARK} accept`,
      '  }',
      '}',
    ].join('\n') + '\n';
    const steps: Array<[string, string[], string?]> = [
      ['nft', ['-f', '-'], nft],
      ['ip', ['rule', 'del', 'fwmark', String(TPROXY_MARK), 'lookup', String(TPROXY_TABLE)]],
      ['ip', ['rule', 'add', 'fwmark', String(TPROXY_MARK), 'lookup', String(TPROXY_TABLE)]],
      ['ip', ['route', 'replace', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', String(TPROXY_TABLE)]],
    ];
    for (const [cmd, args, input] of steps) {
      const r = await run(cmd, args, { input });
      if (r.code !== 0 && !(args[1] === 'del')) {
        log.warn('rootless ports: containers will see their gateway, not the client\'s address', { step: `${cmd} ${args.join(' ')}`, error: (r.stderr || r.stdout).trim() });
        return false;
      }
    }
    return true;
  })();
  return routing;
}

/**
 * A connection to `ip:port` whose source is `clientIp`, or null where that cannot be done (a loopback
 * client, no routing, no koffi, a refused setsockopt or bind).
 */
export async function transparentConnect(clientIp: string | undefined, ip: string, port: number): Promise<Socket | null> {
  if (process.env[TRANSPARENT_ENV] === '0') return null;
  const client = clientIp?.replace(/^::ffff:/, '');
  if (!client || !isIPv4(client) || client.startsWith('127.')) return null;
  if (!(await ensureTransparentRouting())) return null;
  let fd = -1;
  try {
    const socket = libcFunction('socket');
    const setsockopt = libcFunction('setsockopt');
    const bind = libcFunction('bind');
    const connect = libcFunction('connect');
    const close = libcFunction('close');
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return null;
    const one = Buffer.alloc(4);
    one.writeInt32LE(1);
    const timeout = Buffer.alloc(16);
    timeout.writeBigInt64LE(BigInt(CONNECT_TIMEOUT_S), 0);
    const from = sockaddrIn(client, 0);
    if (setsockopt(fd, SOL_IP, IP_TRANSPARENT, one, 4) !== 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, timeout, 16) !== 0 || bind(fd, from, 16) !== 0) {
      close(fd);
      return null;
    }
    const to = sockaddrIn(ip, port);
    const res = await new Promise<number>((resolve) => {
      try { connect.async(fd, to, 16, (err: unknown, r: number) => resolve(err ? -1 : r)); } catch { resolve(-1); }
    });
    if (res !== 0) { close(fd); return null; }
    // libuv puts the descriptor in non-blocking mode itself
    return new Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
  } catch (e) {
    log.debug('transparent connect unavailable', { error: (e as Error).message });
    return null;
  }
}
