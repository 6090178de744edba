/**
 * Compose's variable substitution in one string: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, nested (`${A:-${B}}`), and `$$` for a
 * literal `$`. A `$` not followed by a name or `{` stays as it is; `${` that is not a valid expression
 * is an error ("invalid interpolation format"), as in compose-go.
 */
export type Lookup = (name: string) => string | undefined;

export class MissingRequiredError extends Error {
  constructor(readonly variable: string, readonly reason: string) {
    super(reason ? `required variable ${variable} is missing a value: ${reason}` : `required variable ${variable} is missing a value`);
  }
}

export class InvalidTemplateError extends Error {
  constructor(readonly template: string) { super(`Invalid template: ${JSON.stringify(template)}`); }
}

export interface SubstituteOptions {
  /** called once per reference to a variable that is not set and has no default */
  onUnset?: (name: string) => void;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function substitute(template: string, lookup: Lookup, opts: SubstituteOptions = {}): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '$') { out += c; i++; continue; }
    const next = template[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < template.length && NAME_CHAR.test(template[j]!)) j++;
      const name = template.slice(i + 1, j);
      out += valueOrBlank(name, lookup, opts);
      i = j;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(template, i + 2);
      if (end < 0) throw new InvalidTemplateError(template);
      out += braced(template.slice(i + 2, end), template, lookup, opts);
      i = end + 1;
      continue;
    }
    out += c; // "$" before anything else is literal
    i++;
  }
  return out;
}

/** The index of the `}` that closes an expression starting at `from`, counting nested `${…}`. */
function closingBrace(s: string, from: number): number {
  let depth = 0;
  for (let k = from; k < s.length; k++) {
    if (s[k] === '$' && s[k + 1] === '$') { k++; continue; }
    if (s[k] === '$' && s[k + 1] === '{') { depth++; k++; continue; }
    if (s[k] === '}') { if (depth === 0) return k; depth--; }
  }
  return -1;
}

function braced(expr: string, template: string, lookup: Lookup, opts: SubstituteOptions): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(expr);
  if (!m) throw new InvalidTemplateError(template);
  const [, name, op, arg = ''] = m as unknown as [string, string, string | undefined, string | undefined];
  const value = lookup(name);
  const sub = () => substitute(arg, lookup, opts);
  switch (op) {
    case undefined: return valueOrBlank(name, lookup, opts);
    case ':-': return value ? value : sub();
    case '-': return value !== undefined ? value : sub();
    case ':+': return value ? sub() : '';
    case '+': return value !== undefined ? sub() : '';
    case ':?': if (!value) throw new MissingRequiredError(name, sub()); return value;
    case '?': if (value === undefined) throw new MissingRequiredError(name, sub()); return value;
    default: throw new InvalidTemplateError(template);
  }
}

function valueOrBlank(name: string, lookup: Lookup, opts: SubstituteOptions): string {
  const v = lookup(name);
  if (v === undefined) { opts.onUnset?.(name); return ''; }
  return v;
}
