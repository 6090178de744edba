/**
 * Interpolation of a whole file's tree: every string value (keys stay as written) goes through
 * template.ts, then values at the paths where the spec wants a number or a boolean are cast from the
 * string that interpolation produced (`replicas: ${N}`), as compose-go does.
 */
import { ComposeLoadError, atPosition } from './errors.js';
import { substitute, InvalidTemplateError, MissingRequiredError, type Lookup } from './template.js';
import { OverrideTag, ResetTag, pathText, setOwn, type SourceMap, type TreePath } from './yaml-source.js';

type Cast = (s: string) => unknown;

const toInt: Cast = (s) => { if (!/^[-+]?\d+$/.test(s.trim())) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`); return Number(s); };
const toFloat: Cast = (s) => { const n = Number(s); if (s.trim() === '' || Number.isNaN(n)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`); return n; };
const toBool: Cast = (s) => {
  switch (s.toLowerCase()) {
    case 'true': case 'y': case 'yes': case 'on': return true;
    case 'false': case 'n': case 'no': case 'off': return false;
    default: throw new Error(`invalid boolean: ${s}`);
  }
};

/** compose-go's list of typed paths (`*` any key or index). */
const CASTS: Array<[string, Cast]> = [
  ...([
    ['cpu_count', toInt], ['cpu_percent', toFloat], ['cpu_period', toInt], ['cpu_quota', toInt], ['cpu_rt_period', toInt],
    ['cpu_rt_runtime', toInt], ['cpus', toFloat], ['cpu_shares', toInt], ['init', toBool],
    ['depends_on.*.required', toBool], ['depends_on.*.restart', toBool], ['deploy.replicas', toInt],
    ['deploy.update_config.parallelism', toInt], ['deploy.update_config.max_failure_ratio', toFloat],
    ['deploy.rollback_config.parallelism', toInt], ['deploy.rollback_config.max_failure_ratio', toFloat],
    ['deploy.restart_policy.max_attempts', toInt], ['deploy.placement.max_replicas_per_node', toInt],
    ['healthcheck.retries', toInt], ['healthcheck.disable', toBool], ['oom_kill_disable', toBool], ['oom_score_adj', toInt],
    ['pids_limit', toInt], ['ports.*.target', toInt], ['privileged', toBool], ['read_only', toBool], ['scale', toInt],
    ['stdin_open', toBool], ['tty', toBool], ['ulimits.*', toInt], ['ulimits.*.hard', toInt], ['ulimits.*.soft', toInt],
    ['volumes.*.read_only', toBool], ['volumes.*.volume.nocopy', toBool],
  ] as Array<[string, Cast]>).map(([p, c]) => [`services.*.${p}`, c] as [string, Cast]),
  ['networks.*.external', toBool], ['networks.*.internal', toBool], ['networks.*.attachable', toBool],
  ['networks.*.enable_ipv4', toBool], ['networks.*.enable_ipv6', toBool], ['volumes.*.external', toBool],
  ['secrets.*.external', toBool], ['configs.*.external', toBool],
];
const CAST_PATTERNS = CASTS.map(([p, c]) => [p.split('.'), c] as const);

function castFor(path: TreePath): Cast | undefined {
  outer: for (const [pattern, cast] of CAST_PATTERNS) {
    if (pattern.length !== path.length) continue;
    for (let i = 0; i < pattern.length; i++) if (pattern[i] !== '*' && pattern[i] !== String(path[i])) continue outer;
    return cast;
  }
  return undefined;
}

export interface InterpolateOptions {
  lookup: Lookup;
  /** where the tree came from, for error positions */
  map?: SourceMap;
  file?: string;
  onUnset?: (name: string) => void;
}

export function interpolateTree(value: unknown, opts: InterpolateOptions, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, opts, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, opts, [...path, i]));
  if (value instanceof OverrideTag) return new OverrideTag(interpolateTree(value.value, opts, path));
  if (value instanceof ResetTag || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, interpolateTree(v, opts, [...path, k]));
  return out;
}

function interpolateString(s: string, opts: InterpolateOptions, path: (string | number)[]): unknown {
  let result: string;
  try {
    result = substitute(s, opts.lookup, { onUnset: opts.onUnset });
  } catch (e) {
    const where = opts.map?.valueAt(path);
    if (e instanceof MissingRequiredError) {
      throw new ComposeLoadError('ERR_COMPOSE_INTERPOLATION', atPosition(where, opts.file, `error while interpolating ${pathText(path)}: ${e.message}`));
    }
    if (e instanceof InvalidTemplateError) {
      throw new ComposeLoadError('ERR_COMPOSE_INTERPOLATION',
        atPosition(where, opts.file, `invalid interpolation format for ${pathText(path)}.\nYou may need to escape any $ with another $.\n${s}`));
    }
    throw e;
  }
  const cast = castFor(path);
  if (!cast) return result;
  try {
    return cast(result);
  } catch (e) {
    throw new ComposeLoadError('ERR_COMPOSE_INTERPOLATION',
      atPosition(opts.map?.valueAt(path), opts.file, `error while interpolating ${pathText(path)}: failed to cast to expected type: ${(e as Error).message}`));
  }
}
