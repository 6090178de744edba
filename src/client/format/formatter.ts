/**
 * Docker's formatter.Context: `table ...` formats go through the tabwriter with a header row,
 * `json` means `{{json .}}`, anything else is a raw template printed once per item.
 */
import { parseTemplate, type Template } from './template.js';
import { templateFuncs } from './funcs.js';
import { tabwrite } from './tabwriter.js';

export interface FormatSpec {
  /** the user's --format value, or '' for the command's default */
  format: string;
  /** the table used when format is '' or 'table' */
  defaultTable: string;
  /** placeholder -> column header ("ID" -> "CONTAINER ID") */
  headers: Record<string, string>;
}

/** A value whose every field/method answers the header text of that placeholder. */
class HeaderRow {}

function headerContext(headers: Record<string, string>): object {
  // a class instance (not a plain object) so that templates see a struct with methods, not a map
  return new Proxy(new HeaderRow(), {
    has: () => true,
    get: (_t, prop) => {
      if (typeof prop !== 'string') return undefined;
      const text = headers[prop] ?? prop.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
      const fn = () => text;
      (fn as { variadic?: boolean }).variadic = true;
      return fn;
    },
  });
}

/** Docker turns the two characters `\t` and `\n` of a --format value into a tab and a newline. */
export function preFormat(format: string): { text: string; table: boolean } {
  let f = format;
  let table = false;
  if (f === 'json') f = '{{json .}}';
  if (f.startsWith('table')) { table = true; f = f.slice('table'.length); }
  f = f.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return { text: f, table };
}

export function compile(format: string): Template {
  return parseTemplate(format, templateFuncs);
}

export function renderItems(spec: FormatSpec, items: unknown[]): string {
  let format = spec.format;
  if (format === '' || format === 'table') format = spec.defaultTable;
  const { text, table } = preFormat(format);
  const tmpl = compile(text);
  let out = '';
  if (table) {
    const header = tmpl.execute(headerContext(spec.headers));
    if (header.trim() !== '') out += header + '\n';
  }
  for (const item of items) out += tmpl.execute(item) + '\n';
  return table ? tabwrite(out) : out;
}

/** Docker's Ellipsis: cut to max display width, last char "…". */
export function ellipsis(s: string, max: number): string {
  if (s.length <= max) return s; // no more code points than UTF-16 units
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 0) return '';
  return chars.slice(0, max - 1).join('') + '…';
}

/** stringid.TruncateID: drop the algorithm prefix, keep 12 hex digits. */
export function truncateId(id: string): string {
  const i = id.indexOf(':');
  const hex = i >= 0 ? id.slice(i + 1) : id;
  return hex.slice(0, 12);
}
