import { constants } from 'node:os';
import { InvalidArgumentError } from '../common/errors.js';

const SIGNALS = constants.signals as Record<string, number>;

/** 'TERM', 'SIGTERM', '15' -> { name: 'SIGTERM', number: 15 } (Docker accepts all three). */
export function parseSignal(sig: string | number | undefined, fallback = 'SIGKILL'): { name: string; number: number } {
  const raw = sig === undefined || sig === '' ? fallback : String(sig).trim();
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
    if (!name || n === 0) throw new InvalidArgumentError(`Invalid signal: ${raw}`, 'ERR_INVALID_SIGNAL');
    return { name, number: n };
  }
  const upper = raw.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : 'SIG' + upper;
  const number = SIGNALS[name];
  if (number === undefined) throw new InvalidArgumentError(`Invalid signal: ${raw}`, 'ERR_INVALID_SIGNAL');
  return { name, number };
}
