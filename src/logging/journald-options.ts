/**
 * The journald driver's options as dockerd checks them at create (daemon/logger/journald's
 * validateLogOpt), apart from the driver (journald.ts, with the datagram binding) so that checking
 * them at create does not load it.
 */
import { InvalidArgumentError } from '../common/errors.js';
import { validateAttrs } from './attrs.js';
import { checkTag } from './tag.js';

const JOURNALD_OPTS = new Set(['tag', 'labels', 'labels-regex', 'env', 'env-regex']);

export function validateJournaldOpts(config: Record<string, string>): void {
  for (const key of Object.keys(config)) {
    if (key === 'mode' || key === 'max-buffer-size') continue;
    if (!JOURNALD_OPTS.has(key)) throw new InvalidArgumentError(`unknown log opt '${key}' for journald log driver`, 'ERR_LOG_OPT');
  }
  if (config.tag) checkTag(config.tag);
  validateAttrs(config);
}
