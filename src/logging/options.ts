/**
 * Option parsing the network drivers share, with the wording of the Go functions dockerd's drivers
 * call (strconv, net/url), so a bad --log-opt fails with the text a Docker user knows.
 */
import { InvalidArgumentError } from '../common/errors.js';
import { ramInBytes, ByteSizeError } from '../common/byte-size.js';

/** An option error, as dockerd words it. */
export function optError(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, 'ERR_LOG_OPT');
}

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw optError(`strconv.ParseBool: parsing "${s}": invalid syntax`);
}

/** Go's strconv.Atoi (decimal, optional sign). */
export function parseGoInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw optError(`strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number.parseInt(s, 10);
}

/** go-units RAMInBytes with dockerd's error wording. */
export function parseRamSize(s: string, what: string): number {
  try { return ramInBytes(s); } catch (e) {
    if (e instanceof ByteSizeError) throw optError(`${what}: ${e.message}`);
    throw e;
  }
}

/** The parts of a Go url.Parse result the drivers look at. */
export interface GoUrl { scheme: string; host: string; hostname: string; port: string; path: string }

/**
 * net/url's Parse for the addresses log drivers take (scheme://host:port/path, unix:///path). Go
 * refuses "host:port" without a scheme only when the part before the colon is not a valid scheme.
 */
export function parseGoUrl(text: string): GoUrl {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(text);
  if (!m) {
    if (/^[^/]*:/.test(text)) throw optError(`parse "${text}": first path segment in URL cannot contain colon`);
    return { scheme: '', host: '', hostname: '', port: '', path: text };
  }
  const scheme = m[1].toLowerCase();
  let rest = m[2];
  if (!rest.startsWith('//')) return { scheme, host: '', hostname: '', port: '', path: '' }; // opaque (host:port without scheme)
  rest = rest.slice(2);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  let hostname = host;
  let port = '';
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(host);
  if (v6) { hostname = v6[1]; port = v6[2] ?? ''; } else {
    const c = host.lastIndexOf(':');
    if (c >= 0) { hostname = host.slice(0, c); port = host.slice(c + 1); }
  }
  if (port !== '' && !/^\d+$/.test(port)) throw optError(`parse "${text}": invalid port ":${port}" after host`);
  return { scheme, host, hostname, port, path };
}

/** Go's net.SplitHostPort check: host:port with a port (the error texts dockerd passes on). */
export function hasPort(u: GoUrl): boolean {
  return u.host.startsWith('[') ? /\]:\d*$/.test(u.host) : u.host.includes(':');
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** A JSON string as Go's encoding/json writes it (HTML characters and U+2028/2029 escaped). */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
}

/** Go's time.Time JSON form: RFC 3339 with nanoseconds, trailing zeros trimmed. */
export function goTimeJson(d: Date): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z');
}

/** Docker's default max-buffer-size of mode=non-blocking (1e6 bytes). */
export const DEFAULT_MAX_BUFFER = 1_000_000;
/**
 * mode=blocking (the default): Docker blocks the container's output while the driver is slow;
 * berth never does (conmon writes a file the daemon tails), so the queue is bounded here too.
 */
export const BLOCKING_BUFFER = 4 * 1024 * 1024;

/** The queue's byte budget from the common options mode and max-buffer-size. */
export function bufferBudget(config: Record<string, string>): number {
  if (config.mode !== 'non-blocking') return BLOCKING_BUFFER;
  if (config['max-buffer-size'] === undefined) return DEFAULT_MAX_BUFFER;
  const n = parseRamSize(config['max-buffer-size'], 'error parsing option max-buffer-size');
  if (n <= 0) throw optError('error parsing option max-buffer-size: must be positive');
  return n;
}
