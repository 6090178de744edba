/**
 * The gelf driver's options as dockerd checks them at create (daemon/logger/gelf's ValidateLogOpt),
 * apart from the driver (gelf.ts) so that checking them at create does not load it.
 */
import { COMMON_OPTS, validateAttrs } from './attrs.js';
import { bufferBudget, hasPort, optError, parseGoUrl, type GoUrl } from './options.js';

export function parseGelfAddress(address: string | undefined): GoUrl {
  if (!address) throw optError('gelf-address is a required parameter');
  const u = parseGoUrl(address);
  if (u.scheme !== 'udp' && u.scheme !== 'tcp') throw optError('gelf: endpoint needs to be TCP or UDP');
  if (!hasPort(u)) throw optError('gelf: please provide gelf-address as proto://host:port');
  return u;
}

/** Throws InvalidArgumentError with dockerd's wording unless the options can be used. */
export function validateGelfOpts(cfg: Record<string, string>): void {
  const u = parseGelfAddress(cfg['gelf-address']);
  for (const [key, val] of Object.entries(cfg)) {
    if (COMMON_OPTS.includes(key) || key === 'gelf-address' || key === 'mode' || key === 'max-buffer-size') continue;
    if (key === 'gelf-compression-level') {
      if (u.scheme !== 'udp') throw optError('compression is only supported on UDP');
      if (!/^[+-]?\d+$/.test(val) || Number(val) < -1 || Number(val) > 9) throw optError(`unknown value "${val}" for log opt "${key}" for gelf log driver`);
    } else if (key === 'gelf-compression-type') {
      if (u.scheme !== 'udp') throw optError('compression is only supported on UDP');
      if (!['gzip', 'zlib', 'none'].includes(val)) throw optError(`unknown value "${val}" for log opt "${key}" for gelf log driver`);
    } else if (key === 'gelf-tcp-max-reconnect' || key === 'gelf-tcp-reconnect-delay') {
      if (u.scheme !== 'tcp') throw optError(`"${key}" is only valid for TCP`);
      if (!/^[+-]?\d+$/.test(val) || Number(val) < 0) throw optError(`"${key}" must be a positive integer`);
    } else {
      throw optError(`unknown log opt "${key}" for gelf log driver`);
    }
  }
  validateAttrs(cfg);
  bufferBudget(cfg);
}
