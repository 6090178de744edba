/**
 * A command given as one string split into words as compose does (go-shellwords): spaces separate,
 * single quotes are literal, double quotes allow \" and \\, a backslash escapes outside quotes.
 */
export function splitShellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote === "'") { if (c === "'") quote = null; else cur += c; continue; }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === '$')) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') { quote = c; inWord = true; continue; }
    if (c === '\\' && i + 1 < s.length) { cur += s[++i]; inWord = true; continue; }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (quote) throw new Error(`invalid command line string: unclosed quote in ${JSON.stringify(s)}`);
  if (inWord) words.push(cur);
  return words;
}
