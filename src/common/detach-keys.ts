/**
 * Docker's detach keys (default ctrl-p ctrl-q): parsed from its "ctrl-p,ctrl-q" syntax and watched
 * for in an attach's stdin, by the CLI and by the API server (which dockerd does for TTY attaches).
 */
import { InvalidArgumentError } from './errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/**
 * Watches stdin for the detach sequence (default ctrl-p ctrl-q). Bytes that might start the
 * sequence are held back until it is clear they do not complete it.
 */
export class DetachKeyFilter {
  private held: number[] = [];
  constructor(private readonly keys: number[]) {}

  /** Returns the bytes to forward and whether the full sequence was typed. */
  feed(chunk: Buffer): { data: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.keys.length === 0) { out.push(b); continue; }
      if (b === this.keys[this.held.length]) {
        this.held.push(b);
        if (this.held.length === this.keys.length) return { data: Buffer.from(out), detach: true };
        continue;
      }
      out.push(...this.held);
      this.held = [];
      if (b === this.keys[0]) this.held.push(b); else out.push(b);
    }
    return { data: Buffer.from(out), detach: false };
  }
}

/** Docker's detach-keys syntax: "ctrl-p,ctrl-q", "a", "ctrl-@", "ctrl-[" ... */
export function parseDetachKeys(spec: string): number[] {
  if (spec === '') return [];
  return spec.split(',').map((k) => {
    const key = k.trim();
    if (key.length === 1) return key.charCodeAt(0);
    const m = /^ctrl-([a-z@\[\\\]^_])$/i.exec(key);
    if (!m) throw new InvalidArgumentError(`Invalid detach keys (${spec}) provided`, 'ERR_DETACH_KEYS');
    const c = m[1].toLowerCase();
    if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 'a'.charCodeAt(0) + 1;
    return { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 }[c]!;
  });
}
