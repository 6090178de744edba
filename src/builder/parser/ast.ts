/**
 * Dockerfile text -> instruction nodes: parser directives, comments, line
 * continuations, heredocs. The dump format matches the Dockerfile frontend's
 * so its parser test data applies as is.
 */
import { DockerfileError } from './errors.js';
import { extractFlags, LINE_PARSERS, LineParseError, type Heredoc, type Node } from './line-parsers.js';
import { processWords } from './shell-lex.js';

export type { Node, Heredoc } from './line-parsers.js';

export interface Directives { escape: string; syntax?: string; check?: string }
export interface ParseResult { children: Node[]; directives: Directives; warnings: string[]; startLine: number; endLine: number }

const DIRECTIVE_RE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const VALID_DIRECTIVES = new Set(['escape', 'syntax', 'check']);
const HEREDOC_CAPABLE = new Set(['add', 'copy', 'run']);
const HEREDOC_RE = /^(\d*)<<(-?)([^<]*)$/;

class DirectiveParser {
  done = false;
  private seen = new Set<string>();
  constructor(private readonly d: Directives) {}
  /** Throws LineParseError for a bad or repeated directive. */
  parseLine(line: string): void {
    if (this.done) return;
    const m = DIRECTIVE_RE.exec(line);
    if (!m) { this.done = true; return; }
    const key = m[1].toLowerCase();
    if (!VALID_DIRECTIVES.has(key)) { this.done = true; return; }
    if (this.seen.has(key)) throw new LineParseError(`only one ${key} parser directive can be used`);
    this.seen.add(key);
    if (key === 'escape') {
      if (m[2] !== '`' && m[2] !== '\\') throw new LineParseError(`invalid escape token '${m[2]}' does not match \` or \\`);
      this.d.escape = m[2];
    } else if (key === 'syntax') this.d.syntax = m[2];
    else this.d.check = m[2];
  }
}

const trimLeft = (s: string): string => s.replace(/^\s+/u, '');
const trimNewline = (s: string): string => s.replace(/[\r\n]+$/, '');
const isComment = (s: string): boolean => trimLeft(s).startsWith('#');

/** Lines with their newline kept (heredoc bodies need it). */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') { lines.push(text.slice(start, i + 1)); start = i + 1; }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

export function parseDockerfile(text: string, file = 'Dockerfile'): ParseResult {
  const directives: Directives = { escape: '\\' };
  const dp = new DirectiveParser(directives);
  const lines = splitLines(text.replace(/^\uFEFF/, ''));
  const warnings: string[] = [];
  const children: Node[] = [];
  let idx = 0;
  let currentLine = 0;
  const fail = (msg: string, line: number, column = 1): never => { throw new DockerfileError(msg, { file, line, column }); };

  const processLine = (raw: string, stripLeft: boolean): string => {
    let token = trimNewline(raw);
    if (stripLeft) token = trimLeft(token);
    try { dp.parseLine(token); } catch (e) { fail((e as Error).message, currentLine + 1); }
    return isComment(token) ? '' : token;
  };
  // an odd number of escape tokens at the end continues the line (an escaped escape does not)
  const trimContinuation = (line: string): [string, boolean] => {
    const m = new RegExp('(\\' + directives.escape + '+)[ \\t]*$').exec(line);
    if (!m || m[1].length % 2 === 0) return [line, true];
    return [line.slice(0, m.index + m[1].length - 1), false];
  };

  while (idx < lines.length) {
    const raw = lines[idx++];
    const indent = raw.length - trimLeft(raw).length;
    let bytes = processLine(raw, true);
    currentLine++;
    const startLine = currentLine;
    let [line, isEnd] = trimContinuation(bytes);
    if (isEnd && line === '') continue;
    let emptyContinuation = false;
    while (!isEnd && idx < lines.length) {
      const nextRaw = lines[idx++];
      bytes = processLine(nextRaw, false);
      currentLine++;
      if (isComment(nextRaw)) continue;
      if (trimLeft(trimNewline(bytes)) === '') { emptyContinuation = true; continue; }
      const [cont, end] = trimContinuation(bytes);
      line += cont;
      isEnd = end;
    }
    if (emptyContinuation) warnings.push(`${file}:${currentLine}: empty continuation line found in: ${line}`);

    let node: Node;
    try { node = nodeFromLine(line, directives.escape); } catch (e) {
      if (e instanceof LineParseError) fail(e.message, startLine, 1 + indent);
      throw e;
    }
    node.startLine = startLine;
    if (HEREDOC_CAPABLE.has(node.value) && !node.json && line.includes('<<')) {
      let docs: Heredoc[];
      try { docs = heredocsFromLine(line); } catch (e) { fail((e as Error).message, startLine); docs = []; }
      for (const doc of docs) {
        let terminated = false;
        while (idx < lines.length) {
          const body = lines[idx++];
          currentLine++;
          let candidate = trimNewline(body);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) { terminated = true; break; }
          doc.content += body;
        }
        if (!terminated) fail('unterminated heredoc', startLine);
      }
      node.heredocs = docs;
    }
    node.endLine = currentLine;
    children.push(node);
  }
  if (children.length === 0) fail('file with no instructions', Math.max(currentLine, 1));
  return { children, directives, warnings, startLine: children[0].startLine, endLine: children.at(-1)!.endLine };
}

function nodeFromLine(line: string, escapeToken: string): Node {
  const trimmed = line.trim();
  const m = /^(\S+)(?:\s+([\s\S]*))?$/u.exec(trimmed);
  const cmd = (m?.[1] ?? '').toLowerCase();
  let flags: string[] = [];
  let rest = '';
  if (m?.[2] !== undefined) ({ flags, rest } = extractFlags(m[2]));
  rest = rest.trim();
  const node: Node = { value: cmd, next: [], flags, json: false, original: line, heredocs: [], startLine: 0, endLine: 0 };
  if (cmd === 'onbuild') {
    if (rest !== '') node.children = [nodeFromLine(rest, escapeToken)];
    return node;
  }
  const parser = LINE_PARSERS[cmd];
  if (!parser) return node; // unknown instructions are refused when instructions are read, with their location
  const parsed = parser(rest, escapeToken);
  node.next = parsed.next;
  node.json = parsed.json;
  return node;
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"` words of a RUN/COPY/ADD line. */
function heredocsFromLine(line: string): Heredoc[] {
  const words = processWords(line, () => undefined, { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
  const docs: Heredoc[] = [];
  for (const w of words) {
    const m = HEREDOC_RE.exec(w);
    if (!m || m[3] === '') continue;
    const plain = processWords(m[3], () => undefined, { skipUnsetEnv: true });
    const raw = processWords(m[3], () => undefined, { skipUnsetEnv: true, rawQuotes: true });
    if (plain.length !== 1 || raw.length !== 1) continue;
    const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
    docs.push({ name: plain[0], content: '', expand: quotes(plain[0]) === quotes(raw[0]), chomp: m[2] === '-', fd: m[1] ? Number(m[1]) : 0 });
  }
  return docs;
}

function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** The frontend's AST dump of one instruction. */
function dumpNode(node: Node): string {
  let s = node.value.toLowerCase();
  if (node.flags.length > 0) s += ' [' + node.flags.map(goQuote).join(' ') + ']';
  if (node.children) s += ' (' + node.children.map(dumpNode).join(')\n(') + ')';
  for (const n of node.next) s += ' ' + goQuote(n.value);
  return s.trim();
}

export function dumpDockerfile(res: ParseResult): string {
  return res.children.map((c) => '(' + dumpNode(c) + ')').join('\n') + '\n';
}
