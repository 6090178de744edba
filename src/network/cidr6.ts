import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { InvalidArgumentError } from '../common/errors.js';

/** IPv6 addresses as 128-bit bigints; subnets as {base, bits}. */
export interface Subnet6 { base: bigint; bits: number }

const ALL = (1n << 128n) - 1n;

export function parseIp6(s: string): bigint {
  const text = s.trim();
  if (!isIPv6(text) || text.includes('%')) throw new InvalidArgumentError(`invalid IPv6 address: ${s}`);
  let [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups
  const v4 = (part: string) => part.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`);
  head = v4(head);
  if (tail !== undefined) tail = v4(tail);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function isIp6(s: string): boolean {
  try { parseIp6(s); return true; } catch { return false; }
}

/** RFC 5952 text: lower case, the longest run of zero groups as "::". */
export function formatIp6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_v, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function mask6(bits: number): bigint { return bits === 0 ? 0n : (ALL << BigInt(128 - bits)) & ALL; }

export function parseSubnet6(s: string): Subnet6 {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m || Number(m[2]) > 128) throw new InvalidArgumentError(`invalid subnet ${s}: expected an IPv6 CIDR such as fd00:1::/64`);
  const bits = Number(m[2]);
  return { base: parseIp6(m[1]) & mask6(bits), bits };
}

export function formatSubnet6(s: Subnet6): string { return `${formatIp6(s.base)}/${s.bits}`; }

export function contains6(s: Subnet6, ip: bigint): boolean { return (ip & mask6(s.bits)) === s.base; }

export function overlaps6(a: Subnet6, b: Subnet6): boolean {
  const bits = Math.min(a.bits, b.bits);
  return (a.base & mask6(bits)) === (b.base & mask6(bits));
}

/** A unique local /64 (fdXX:XXXX:XXXX::/64, RFC 4193 random global id) when --ipv6 comes without a subnet. */
export function randomUla64(): Subnet6 {
  const id = BigInt('0x' + randomBytes(5).toString('hex'));
  return { base: (0xfdn << 120n) | (id << 80n), bits: 64 };
}
