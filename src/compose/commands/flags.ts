/** Flag value parsers shared by the compose commands (pflag's forms: --flag=false, repeatable flags). */
import { composeError } from '../ops/errors.js';

export function collect(value: string, previous: string[] = []): string[] { return [...previous, value]; }

/** `--flag` alone is true; `--flag=false` (strconv.ParseBool's words) turns it off. */
export function boolValue(name: string) {
  return (v: string | undefined): boolean => {
    if (v === undefined || /^(1|t|true|T|TRUE|True)$/.test(v)) return true;
    if (/^(0|f|false|F|FALSE|False)$/.test(v)) return false;
    throw composeError(`invalid argument "${v}" for "${name}" flag: strconv.ParseBool: parsing "${JSON.stringify(v).slice(1, -1)}": invalid syntax`, 'ERR_USAGE');
  };
}

export function intValue(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v.trim())) throw composeError(`invalid argument "${v}" for "${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`, 'ERR_USAGE');
    return Number(v);
  };
}

/** `KEY=VALUE` pairs of -e/-l/--build-arg; a bare KEY takes its value from `lookup` or is left out (null). */
export function keyValues(list: string[], lookup: (k: string) => string | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i < 0) out[item] = lookup(item) ?? null;
    else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}
