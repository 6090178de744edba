import { InvalidArgumentError } from '../../common/errors.js';

/** The one error every ordering throws for a version it cannot read (the scanner turns it into a warning). */
export function invalidVersion(ecosystem: string, version: string, why?: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `invalid ${ecosystem} version ${JSON.stringify(version)}${why ? `: ${why}` : ''}`, 'ERR_VERSION_INVALID');
}

/** Sign of a number as -1, 0 or 1, so callers can compare results directly. */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares two non-negative decimal digit strings numerically, whatever their length. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
