/**
 * A RUN script split into simple commands: words with quotes removed, the operator that joins each
 * command to the next (`&&`, `||`, `;`, `|`, `&`, newline) and where each word starts in the script.
 *
 * Written here rather than taken from a library: the builder's shell-lex does Dockerfile word
 * expansion and knows no shell operators, and shell-quote (npm) gives no positions and drops
 * `$(...)`; the rules need only command names, arguments and pipelines, not a full shell grammar.
 */
export interface ShellWord {
  /** the word with quotes and escapes removed (`$(...)` and `$VAR` kept as written) */
  text: string;
  /** the word as written */
  raw: string;
  /** offset of the word's first character in the script */
  start: number;
}

export interface ShellCommand {
  /** the words, leading reserved words (`if`, `then`, `do`, `!`, `{` ...) dropped */
  words: ShellWord[];
  /** redirections: `>`, `2>&1`, `<<EOF` with their targets, as written */
  redirects: string[];
  /** the operator after this command ('' at the end of the script) */
  op: '&&' | '||' | ';' | '|' | '&' | '\n' | '(' | ')' | ';;' | '';
  /** index of the first command of this command's pipeline */
  pipeline: number;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);
const OPERATORS = ['&&', '||', ';;', '|&', ';', '|', '&', '(', ')'] as const;

/** Splits a POSIX shell script into simple commands. Never throws: unterminated quotes end at the end. */
export function parseShell(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let redirects: string[] = [];
  let pipelineStart = 0;
  let pendingRedirect = false;
  let i = 0;
  const n = script.length;

  const finish = (op: ShellCommand['op']): void => {
    while (words.length > 0 && RESERVED.has(words[0].raw)) words.shift();
    if (words.length === 0 && redirects.length === 0) {
      // an empty line inside `a |\n b` or `a &&\n b` continues what came before
      if (op === '\n') return;
    } else commands.push({ words, redirects, op, pipeline: pipelineStart });
    if (op !== '|') pipelineStart = commands.length;
    words = [];
    redirects = [];
  };

  while (i < n) {
    const c = script[i];
    if (c === '\\' && script[i + 1] === '\n') { i += 2; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '\n') { finish('\n'); i++; continue; }
    if (c === '#') { while (i < n && script[i] !== '\n') i++; continue; }
    const redirect = /^(\d*)(&>>|&>|>>|>&|<&|<<-|<<<|<<|<>|>\||>|<)(?!\()/.exec(script.slice(i, i + 6));
    if (redirect) {
      i += redirect[0].length;
      // `2>&1`: the target follows without space; `> file`: the next word is the target
      redirects.push(redirect[0]);
      pendingRedirect = true;
      continue;
    }
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      finish(op === '|&' ? '|' : op);
      i += op.length;
      continue;
    }
    const start = i;
    const { text, end } = readWord(script, i);
    i = end;
    const word = { text, raw: script.slice(start, end), start };
    if (pendingRedirect) { redirects[redirects.length - 1] += word.raw; pendingRedirect = false; continue; }
    words.push(word);
  }
  finish('');
  return commands;
}

/** One word from `start`: quotes, escapes, `$(...)`, `${...}`, backquotes and `<(...)` kept together. */
function readWord(s: string, start: number): { text: string; end: number } {
  let i = start;
  let text = '';
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '\n') { i += 2; continue; }
      if (i + 1 < n) text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = s.indexOf("'", i + 1);
      const end = close < 0 ? n : close;
      text += s.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n && '$`"\\\n'.includes(s[i + 1])) {
          if (s[i + 1] !== '\n') text += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
          const end = matching(s, i + 1);
          text += s.slice(i, end);
          i = end;
          continue;
        }
        text += s[i++];
      }
      i++;
      continue;
    }
    if ((c === '$' || c === '<' || c === '>') && (s[i + 1] === '(' || (c === '$' && s[i + 1] === '{'))) {
      const end = matching(s, i + 1);
      text += s.slice(i, end);
      i = end;
      continue;
    }
    if (c === '`') {
      const close = s.indexOf('`', i + 1);
      const end = close < 0 ? n : close + 1;
      text += s.slice(i, end);
      i = end;
      continue;
    }
    if (' \t\r\n;&|()'.includes(c)) break;
    if ((c === '<' || c === '>') && text === '') break;
    text += c;
    i++;
  }
  return { text, end: Math.max(i, start + 1) };
}

/** The offset after the bracket that closes the one at `open` (quotes inside respected). */
function matching(s: string, open: number): number {
  const close = s[open] === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === "'") { const e = s.indexOf("'", i + 1); i = e < 0 ? s.length : e; continue; }
    if (c === s[open]) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  return s.length;
}

const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'exec', 'command', 'nice', 'doas', 'eval', 'su-exec', 'gosu', 'chroot']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The command as it runs: variable assignments and wrappers (`sudo -E`, `env X=1`, `nohup`) removed,
 * so `DEBIAN_FRONTEND=noninteractive sudo apt-get install x` reads as `apt-get install x`.
 */
export function argv(cmd: ShellCommand): string[] {
  const w = cmd.words.map((x) => x.text);
  let i = 0;
  for (;;) {
    while (i < w.length && ASSIGNMENT.test(w[i])) i++;
    if (i < w.length && WRAPPERS.has(basename(w[i]))) {
      const wrapper = basename(w[i]);
      i++;
      // gosu/su-exec/chroot take a user or a directory before the command
      if (wrapper === 'gosu' || wrapper === 'su-exec' || wrapper === 'chroot') { i++; continue; }
      while (i < w.length && w[i].startsWith('-')) {
        // sudo's options with a value
        if (wrapper === 'sudo' && /^-[ugCDhprTU]$/.test(w[i])) i++;
        i++;
      }
      continue;
    }
    break;
  }
  return w.slice(i);
}

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** The commands of each pipeline, in order. */
export function pipelines(commands: ShellCommand[]): ShellCommand[][] {
  const out: ShellCommand[][] = [];
  for (const c of commands) {
    const last = out.at(-1);
    if (last && last[0] === commands[c.pipeline]) last.push(c);
    else out.push([c]);
  }
  return out;
}
