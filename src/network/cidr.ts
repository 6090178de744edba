import { InvalidArgumentError } from '../common/errors.js';

/** IPv4 addresses as unsigned 32-bit numbers; subnets as {base, bits}. */
export interface Subnet4 { base: number; bits: number }

export function parseIp4(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`invalid IPv4 address: ${s}`);
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) throw new InvalidArgumentError(`invalid IPv4 address: ${s}`);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function isIp4(s: string): boolean {
  try { parseIp4(s); return true; } catch { return false; }
}

export function formatIp4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(bits: number): number { return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0; }

export function parseSubnet4(s: string): Subnet4 {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw new InvalidArgumentError(`invalid subnet ${s}: expected an IPv4 CIDR such as 172.20.0.0/16`);
  const bits = Number(m[2]);
  return { base: (parseIp4(m[1]) & mask(bits)) >>> 0, bits };
}

export function formatSubnet4(s: Subnet4): string { return `${formatIp4(s.base)}/${s.bits}`; }

export function contains(s: Subnet4, ip: number): boolean { return ((ip & mask(s.bits)) >>> 0) === s.base; }

export function overlaps(a: Subnet4, b: Subnet4): boolean {
  const bits = Math.min(a.bits, b.bits);
  return ((a.base & mask(bits)) >>> 0) === ((b.base & mask(bits)) >>> 0);
}

export function size(s: Subnet4): number { return 2 ** (32 - s.bits); }
export function broadcast(s: Subnet4): number { return (s.base + size(s) - 1) >>> 0; }

/** Docker's default address pools: 172.17-31.0.0/16, then 192.168.x.0/20. */
export function* defaultPools(): Generator<Subnet4> {
  for (let b = 17; b <= 31; b++) yield { base: parseIp4(`172.${b}.0.0`), bits: 16 };
  for (let c = 0; c < 256; c += 16) yield { base: parseIp4(`192.168.${c}.0`), bits: 20 };
}
