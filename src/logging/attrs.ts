/**
 * The `labels`, `labels-regex`, `env` and `env-regex` log options: container labels and environment
 * variables that drivers attach to every message (Docker's logger.Info.ExtraAttributes).
 */
import type { LogInfo } from './driver.js';
import { optError } from './options.js';

/** Go's RE2 and JavaScript agree on the patterns people write here; a pattern JS refuses fails as Go's would. */
function regex(src: string): RegExp {
  try { return new RegExp(src); } catch (e) { throw optError(`error parsing regexp: ${(e as Error).message}`); }
}

export function extraAttributes(info: LogInfo, keyMod: (k: string) => string = (k) => k): Record<string, string> {
  const extra: Record<string, string> = {};
  const cfg = info.config;
  if (cfg.labels) for (const l of cfg.labels.split(',')) if (l in info.labels) extra[keyMod(l)] = info.labels[l];
  if (cfg['labels-regex']) {
    const re = regex(cfg['labels-regex']);
    for (const [k, v] of Object.entries(info.labels)) if (re.test(k)) extra[keyMod(k)] = v;
  }
  const env = new Map<string, string>();
  for (const e of info.env) { const i = e.indexOf('='); if (i >= 0) env.set(e.slice(0, i), e.slice(i + 1)); }
  if (env.size === 0) return extra;
  if (cfg.env) for (const l of cfg.env.split(',')) if (env.has(l)) extra[keyMod(l)] = env.get(l)!;
  if (cfg['env-regex']) {
    const re = regex(cfg['env-regex']);
    for (const [k, v] of env) if (re.test(k)) extra[keyMod(k)] = v;
  }
  return extra;
}

/** Checked at create, so a bad pattern fails there rather than at every start. */
export function validateAttrs(cfg: Record<string, string>): void {
  if (cfg['labels-regex']) regex(cfg['labels-regex']);
  if (cfg['env-regex']) regex(cfg['env-regex']);
}

/** The options every driver takes (handled by attrs and the tag). */
export const COMMON_OPTS = ['env', 'env-regex', 'labels', 'labels-regex', 'tag'];
