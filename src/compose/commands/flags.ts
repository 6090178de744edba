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

/**
 * pflag's `--flag=false` for boolean flags: commander knows `--flag` and `--no-flag` only, so a command
 * that allows unknown options gets such words among its arguments; they are read here, and any other
 * word that looks like a flag is refused as pflag refuses it.
 */
export function takeBoolForms(args: string[], names: string[]): { rest: string[]; values: Record<string, boolean> } {
  const rest: string[] = [];
  const values: Record<string, boolean> = {};
  for (const a of args) {
    const m = /^--([\w-]+)=(.*)$/.exec(a);
    if (m && names.includes(m[1])) { values[m[1]] = boolValue(`--${m[1]}`)(m[2]); continue; }
    if (a.startsWith('-') && a !== '-') throw composeError(`unknown flag: ${a.replace(/=.*$/, '')}`, 'ERR_USAGE');
    rest.push(a);
  }
  return { rest, values };
}
