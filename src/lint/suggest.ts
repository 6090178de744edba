/**
 * "did you mean X?": BuildKit's suggestion (util/suggest): the closest option by Levenshtein distance
 * under 3; an exact match means the name was fine, so no suggestion. Small enough to write here.
 */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

function matchCase(val: string, orig: string): string {
  if (orig === orig.toLowerCase()) return val.toLowerCase();
  if (orig === orig.toUpperCase()) return val.toUpperCase();
  return val;
}

/** The suggestion for `value` among `options`, or '' when there is none. */
export function suggest(value: string, options: string[], caseSensitive: boolean): string {
  if (value === '') return '';
  const v = caseSensitive ? value : value.toLowerCase();
  let match = '';
  let min = 3;
  for (const option of options) {
    const o = caseSensitive ? option : option.toLowerCase();
    if (o === v) return '';
    const d = levenshtein(v, o);
    if (d < min) { match = caseSensitive ? o : matchCase(o, value); min = d; }
  }
  return match;
}
