/**
 * Docker's size strings ("512k", "64m", "1.5g", "10GB", "1 KiB", "100"), parsed as docker/go-units
 * parses them. The same text means two amounts in Docker: RAMInBytes counts k/m/g/t/p in powers of
 * 1024 (--memory, --shm-size, tmpfs sizes, the build cache's budget) and FromHumanSize in powers of
 * 1000 (json-file's max-size); which one a caller uses is part of what its option means.
 */
import { InvalidArgumentError } from './errors.js';

/** go-units' refusal, its message as go-units words it (`invalid size: '1x'`, `invalid suffix: 'kx'`). */
export class ByteSizeError extends InvalidArgumentError {
  constructor(message: string) { super(message, 'ERR_BAD_SIZE'); }
}

const PREFIXES = ['k', 'm', 'g', 't', 'p'];
/** int64(size) of go-units, never -0 ("-0" is a valid size) */
const whole = (n: number) => Math.trunc(n) + 0;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/; // what strconv.ParseFloat takes in decimal

function parseSize(text: string, base: number): number {
  const invalid = () => new ByteSizeError(`invalid size: '${text}'`);
  // the number runs to the last digit, dot or space; one space may separate it from the suffix
  let sep = -1;
  for (let i = text.length - 1; i >= 0; i--) if (/[0-9. ]/.test(text[i])) { sep = i; break; }
  if (sep < 0) throw invalid();
  const num = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1);
  let suffix = text.slice(sep + 1);
  if (!NUMBER.test(num)) throw invalid();
  let size = Number(num);
  if (size < 0) throw invalid();
  if (suffix === '') return whole(size);
  const badSuffix = () => new ByteSizeError(`invalid suffix: '${suffix}'`);
  if (suffix.length > 3) throw badSuffix();
  suffix = suffix.toLowerCase();
  if (suffix[0] === 'b') {
    if (suffix.length > 1) throw badSuffix();
    return whole(size);
  }
  const power = PREFIXES.indexOf(suffix[0]) + 1;
  if (power === 0) throw badSuffix();
  size *= base ** power;
  // the prefix may be followed by "b" or "ib" (MB, KiB)
  if ((suffix.length === 2 && suffix[1] !== 'b') || (suffix.length === 3 && suffix.slice(1) !== 'ib')) throw badSuffix();
  return whole(size);
}

/** go-units RAMInBytes: k, m, g, t, p are powers of 1024 ("64m" = 67108864). */
export function ramInBytes(text: string): number {
  return parseSize(text, 1024);
}

/** go-units FromHumanSize: k, m, g, t, p are powers of 1000 ("1.5KB" = 1500). */
export function fromHumanSize(text: string): number {
  return parseSize(text, 1000);
}
