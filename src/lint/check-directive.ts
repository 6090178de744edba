/**
 * BuildKit's `check` directive: `# check=skip=A,B`, `skip=all`, `error=true`, `experimental=A|all`,
 * up to three `;`-separated options, parsed as BuildKit's linter parses them so a file means the same here.
 */
import { InvalidArgumentError } from '../common/errors.js';
import type { CheckOptions } from './types.js';

export function emptyCheckOptions(): CheckOptions {
  return { skip: [], skipAll: false, experimental: [], experimentalAll: false, error: false };
}

/** Go's strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

const list = (v: string): string[] => v.split(',').map((s) => s.trim());

/** Throws InvalidArgumentError (ERR_LINT) with BuildKit's wording for a bad option. */
export function parseCheckOptions(value: string): CheckOptions {
  const out = emptyCheckOptions();
  const s = value.trim();
  if (s === '') return out;
  // strings.SplitN(s, ";", 3): a third part keeps any further `;`
  const parts: string[] = [];
  let rest = s;
  while (parts.length < 2) {
    const i = rest.indexOf(';');
    if (i < 0) break;
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  parts.push(rest);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`failed to parse check options: invalid check option "${p}"`, 'ERR_LINT');
    const k = p.slice(0, eq).trim();
    const v = p.slice(eq + 1).trim();
    if (k === 'skip') {
      if (v === 'all') out.skipAll = true; else out.skip = list(v);
    } else if (k === 'experimental') {
      if (v === 'all') out.experimentalAll = true; else out.experimental = list(v);
    } else if (k === 'error') {
      const b = parseBool(v);
      if (b === undefined) throw new InvalidArgumentError(`failed to parse check options: failed to parse check option "${p}": strconv.ParseBool: parsing "${v}": invalid syntax`, 'ERR_LINT');
      out.error = b;
    } else {
      throw new InvalidArgumentError(`failed to parse check options: invalid check option "${k}"`, 'ERR_LINT');
    }
  }
  return out;
}

/** A later, narrower `check` (a comment right above an instruction) adds its skips and experiments. */
export function mergeCheckOptions(base: CheckOptions, other: CheckOptions): CheckOptions {
  return {
    skip: [...base.skip, ...other.skip],
    skipAll: base.skipAll || other.skipAll,
    experimental: [...base.experimental, ...other.experimental],
    experimentalAll: base.experimentalAll || other.experimentalAll,
    error: base.error,
  };
}

/** `check=...` in a comment's text (without `#`), as BuildKit reads per-instruction comments; undefined if none. */
export function checkFromComment(comment: string): CheckOptions | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/.exec(comment);
  if (!m || m[1].toLowerCase() !== 'check') return undefined;
  const value = m[2].split(' ')[0];
  try { return parseCheckOptions(value); } catch { return undefined; }
}
