/**
 * The fluentd driver's options as dockerd checks them at create (daemon/logger/fluentd's ValidateLogOpt
 * and parseConfig), apart from the driver (fluentd.ts, with msgpack) so that checking them at create
 * does not load it.
 */
import { tryGoDurationNs } from '../common/go-duration.js';
import { COMMON_OPTS, validateAttrs } from './attrs.js';
import { bufferBudget, optError, parseGoBool, parseGoUrl, parseRamSize } from './options.js';
import type { Address } from './transport.js';

const OPTS = new Set([...COMMON_OPTS, 'fluentd-address', 'fluentd-async', 'fluentd-async-reconnect-interval', 'fluentd-buffer-limit',
  'fluentd-max-retries', 'fluentd-request-ack', 'fluentd-retry-wait', 'fluentd-sub-second-precision', 'fluentd-write-timeout', 'fluentd-read-timeout']);

const MAX_INT32 = 2 ** 31 - 1;

export interface FluentConfig {
  address: Address; bufferLimit: number; retryWaitMs: number; maxRetries: number; async: boolean;
  reconnectIntervalMs: number; subSecond: boolean; writeTimeoutMs: number; readTimeoutMs: number; requestAck: boolean;
}

function duration(s: string, wrap?: (m: string) => string): number {
  const ns = tryGoDurationNs(s);
  if (ns === undefined) { const m = `time: invalid duration ${JSON.stringify(s)}`; throw optError(wrap ? wrap(m) : m); }
  return ns / 1e6;
}

function parseAddress(address: string | undefined): Address {
  if (!address) return { proto: 'tcp', host: '127.0.0.1', port: 24224 };
  const text = address.includes('://') ? address : `tcp://${address}`;
  const fail = (m: string) => optError(`invalid fluentd-address (${address}): ${m}`);
  let u;
  try { u = parseGoUrl(text); } catch (e) { throw fail((e as Error).message); }
  if (u.scheme === 'unix') {
    if (u.path.replace(/^\/+/, '') === '') throw fail('path is empty');
    return { proto: 'unix', path: u.path };
  }
  if (u.scheme !== 'tcp' && u.scheme !== 'tls') throw fail(`unsupported scheme: '${u.scheme}'`);
  if (u.path !== '') throw fail('should not contain a path element');
  let port = 24224;
  if (u.port !== '') {
    port = Number(u.port);
    if (port > 65535) throw fail(`invalid port: strconv.ParseUint: parsing ${JSON.stringify(u.port)}: value out of range`);
  }
  const host = u.hostname || '127.0.0.1';
  return u.scheme === 'tls' ? { proto: 'tcp+tls', host, port, tls: {} } : { proto: 'tcp', host, port };
}

export function parseFluentdConfig(cfg: Record<string, string>): FluentConfig {
  const address = parseAddress(cfg['fluentd-address']);
  const bufferLimit = cfg['fluentd-buffer-limit'] ? parseRamSize(cfg['fluentd-buffer-limit'], 'fluentd-buffer-limit') : 1024 * 1024;
  const retryWaitMs = cfg['fluentd-retry-wait'] ? Math.trunc(duration(cfg['fluentd-retry-wait'])) : 1000;
  let maxRetries = MAX_INT32;
  if (cfg['fluentd-max-retries']) {
    const v = cfg['fluentd-max-retries'];
    if (!/^\d+$/.test(v)) throw optError(`strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
    if (Number(v) > 2 ** 32 - 1) throw optError(`strconv.ParseUint: parsing ${JSON.stringify(v)}: value out of range`);
    if (Number(v) > MAX_INT32) throw optError('invalid fluentd-max-retries: value out of range');
    maxRetries = Number(v);
  }
  const async = cfg['fluentd-async'] ? parseGoBool(cfg['fluentd-async']) : false;
  let reconnectIntervalMs = 0;
  if (cfg['fluentd-async-reconnect-interval']) {
    const key = 'fluentd-async-reconnect-interval';
    const ms = duration(cfg[key], (m) => `invalid value for ${key}: ${m}`);
    if (ms !== 0 && (ms < 100 || ms > 10_000)) {
      throw optError(`invalid value for ${key}: value ("${cfg[key]}") must be between 100ms and 10s`);
    }
    reconnectIntervalMs = ms;
  }
  const subSecond = cfg['fluentd-sub-second-precision'] ? parseGoBool(cfg['fluentd-sub-second-precision']) : false;
  const requestAck = cfg['fluentd-request-ack'] ? parseGoBool(cfg['fluentd-request-ack']) : false;
  let writeTimeoutMs = 0;
  let readTimeoutMs = 0;
  for (const key of ['fluentd-write-timeout', 'fluentd-read-timeout']) {
    if (!cfg[key]) continue;
    const ms = duration(cfg[key], (m) => `invalid value for ${key}: value must be a duration`);
    if (ms < 0) throw optError(`invalid value for ${key}: value must be a duration that is non-negative`);
    if (key === 'fluentd-write-timeout') writeTimeoutMs = ms; else readTimeoutMs = ms;
  }
  return { address, bufferLimit, retryWaitMs, maxRetries, async, reconnectIntervalMs, subSecond, writeTimeoutMs, readTimeoutMs, requestAck };
}

/** Throws InvalidArgumentError with dockerd's wording unless the options can be used. */
export function validateFluentdOpts(cfg: Record<string, string>): void {
  for (const key of Object.keys(cfg)) {
    if (key === 'mode' || key === 'max-buffer-size') continue;
    if (!OPTS.has(key)) throw optError(`unknown log opt '${key}' for fluentd log driver`);
  }
  parseFluentdConfig(cfg);
  validateAttrs(cfg);
  bufferBudget(cfg);
}
