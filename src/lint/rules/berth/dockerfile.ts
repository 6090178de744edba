/**
 * What berth's rules read from a parsed Dockerfile: its stages, each RUN's shell commands (shell form,
 * JSON form, heredocs) and where a word sits in the file. Built once per input and shared by the rules.
 */
import { envLookup, processWord } from '../../../builder/parser/shell-lex.js';
import type { Node } from '../../../builder/parser/ast.js';
import type { LintInput } from '../../types.js';
import { argv, basename, parseShell, type ShellCommand } from '../../shell/commands.js';

export interface StageView {
  index: number;
  from: Node;
  /** the image reference as written */
  base: string;
  /** the reference with the global ARGs' defaults (and --build-arg values) substituted; undefined when a variable is unset */
  resolvedBase?: string;
  /** lower-cased AS name */
  name?: string;
  /** the instructions after FROM */
  nodes: Node[];
  /** the earlier stage this one builds on (`FROM builder`) */
  parent?: StageView;
}

export interface RunView {
  node: Node;
  stage: StageView;
  /** the shell that runs the script: SHELL's first word, `/bin/sh` by default; undefined for JSON form without a shell */
  shell?: string;
  /** every simple command of the RUN, heredoc scripts included */
  commands: ShellCommand[];
  /** the commands' argv, wrappers and assignments removed */
  argvs: string[][];
  /** the whole script text the RUN hands its shell (for patterns across commands) */
  text: string;
}

export interface DockerfileView {
  stages: StageView[];
  runs: RunView[];
  globalArgs: Map<string, string>;
  final: StageView | undefined;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);
const cache = new WeakMap<LintInput, DockerfileView>();

export function view(input: LintInput): DockerfileView {
  let v = cache.get(input);
  if (!v) { v = build(input); cache.set(input, v); }
  return v;
}

function build(input: LintInput): DockerfileView {
  const globalArgs = new Map<string, string>();
  const stages: StageView[] = [];
  const runs: RunView[] = [];
  for (const node of input.ast.children) {
    if (node.value === 'from') {
      const base = node.next[0]?.value ?? '';
      const name = node.next.length >= 3 ? node.next[2].value.toLowerCase() : undefined;
      const lookup = envLookup(Object.fromEntries(globalArgs), input.buildArgs);
      let resolvedBase: string | undefined;
      try {
        resolvedBase = processWord(base, lookup, { escapeToken: input.ast.directives.escape, skipUnsetEnv: true });
        if (resolvedBase.includes('$') || resolvedBase === '') resolvedBase = undefined;
      } catch { resolvedBase = undefined; }
      const parent = resolvedBase ? stages.find((s) => s.name === resolvedBase!.toLowerCase()) : undefined;
      stages.push({ index: stages.length, from: node, base, resolvedBase, name, nodes: [], parent });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (node.value === 'arg') for (const [k, val] of keyValues(node)) if (!globalArgs.has(k) || val !== undefined) globalArgs.set(k, val ?? '');
      continue;
    }
    stage.nodes.push(node);
  }
  for (const stage of stages) {
    let shell: string | undefined = '/bin/sh';
    for (const node of stage.nodes) {
      if (node.value === 'shell' && node.json) shell = node.next[0]?.value;
      if (node.value === 'run') runs.push(runView(node, stage, shell));
    }
  }
  return { stages, runs, globalArgs, final: stages.at(-1) };
}

/** ARG/ENV/LABEL pairs: [name, value] (value undefined for `ARG NAME` without a default). */
export function keyValues(node: Node): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  if (node.value === 'arg') {
    for (const w of node.next) {
      const i = w.value.indexOf('=');
      out.push(i < 0 ? [w.value, undefined] : [w.value.slice(0, i), unquote(w.value.slice(i + 1))]);
    }
    return out;
  }
  // ENV/LABEL: triples of name, value, separator
  for (let i = 0; i + 1 < node.next.length; i += 3) out.push([unquote(node.next[i].value), unquote(node.next[i + 1].value)]);
  return out;
}

function unquote(s: string): string {
  try { return processWord(s, () => undefined, { skipUnsetEnv: true }); } catch { return s; }
}

function runView(node: Node, stage: StageView, stageShell: string | undefined): RunView {
  let shell: string | undefined = stageShell;
  const scripts: string[] = [];
  const commands: ShellCommand[] = [];
  if (node.json) {
    const words = node.next.map((n) => n.value);
    const c = words.indexOf('-c');
    if (words.length > 0 && SHELLS.has(basename(words[0])) && c > 0 && c + 1 < words.length) {
      shell = words[0];
      scripts.push(words[c + 1]);
      commands.push(...parseShell(words[c + 1]));
    } else {
      // exec form without a shell: one command, no shell syntax
      shell = undefined;
      commands.push({ words: words.map((text) => ({ text, raw: text, start: 0 })), redirects: [], op: '', pipeline: 0 });
      scripts.push(words.join(' '));
    }
  } else {
    const line = node.next[0]?.value ?? '';
    const lineCommands = parseShell(line);
    const heredocScripts = heredocsRunAsScripts(node, lineCommands);
    if (heredocScripts) {
      for (const h of heredocScripts) {
        scripts.push(h.script);
        commands.push(...parseShell(h.script));
        if (h.shell) shell = h.shell;
      }
    } else {
      scripts.push(line);
      commands.push(...lineCommands);
    }
  }
  return { node, stage, shell, commands, argvs: commands.map(argv), text: scripts.join('\n') };
}

/**
 * `RUN <<EOF` (the heredoc is the script) and `RUN bash <<EOF`/`RUN sh -e <<EOF` (the heredoc is the
 * shell's input): the heredocs' text is shell. Undefined when the heredocs are data (`cat <<EOF > f`).
 */
export function heredocsRunAsScripts(node: Node, lineCommands: ShellCommand[]): Array<{ script: string; shell?: string; name: string }> | undefined {
  if (node.heredocs.length === 0 || lineCommands.length !== 1) return undefined;
  const cmd = lineCommands[0];
  const words = argv(cmd);
  const onlyHeredocs = cmd.redirects.every((r) => /^\d*<<-?/.test(r));
  if (!onlyHeredocs) return undefined;
  if (words.length === 0) {
    // BuildKit runs a heredoc with a shebang line by its interpreter
    return node.heredocs.map((h) => {
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(h.content);
      const interp = shebang ? (basename(shebang[1]) === 'env' ? shebang[2] ?? '' : shebang[1]) : undefined;
      return { script: h.content, shell: interp, name: h.name };
    }).filter((h) => h.shell === undefined || SHELLS.has(basename(h.shell)));
  }
  if (SHELLS.has(basename(words[0])) && !words.includes('-c') && words.slice(1).every((w) => w.startsWith('-'))) {
    return node.heredocs.map((h) => ({ script: h.content, shell: words[0], name: h.name }));
  }
  return undefined;
}

/**
 * Where `needle` first appears in the instruction's lines: its line and 1-based column. Rules report
 * the line of the offending word in a multi-line RUN, not only the instruction's first line.
 */
export function locate(input: LintInput, node: Node, needle: string | RegExp): { line: number; column: number } {
  for (let ln = node.startLine; ln <= node.endLine; ln++) {
    const text = input.lines[ln - 1] ?? '';
    const col = typeof needle === 'string' ? text.indexOf(needle) : text.search(needle);
    if (col >= 0) return { line: ln, column: col + 1 };
  }
  return { line: node.startLine, column: 1 };
}

/** The stage's instructions and those of the stages it builds on (`FROM base AS x` … `FROM x`), oldest first. */
export function inherited(stage: StageView): Node[] {
  const chain: StageView[] = [];
  for (let s: StageView | undefined = stage; s && !chain.includes(s); s = s.parent) chain.unshift(s);
  return chain.flatMap((s) => s.nodes);
}

/** Options of a command's argv: `-y`, `--no-cache`, and combined short flags split (`-qy` → -q, -y). */
export function hasOption(args: string[], ...names: string[]): boolean {
  for (const a of args) {
    if (names.includes(a)) return true;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0 && names.includes(a.slice(0, eq))) return true;
    if (/^-[a-zA-Z]{2,}$/.test(a)) for (const ch of a.slice(1)) if (names.includes('-' + ch)) return true;
  }
  return false;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The line and column of one of a RUN's commands: its first two words as written, the how-many-th
 * such occurrence in the instruction's lines (falls back to the first word, then the instruction).
 */
export function locateCommand(input: LintInput, run: RunView, cmd: ShellCommand): { line: number; column: number } {
  const words = cmd.words;
  if (words.length === 0) return { line: run.node.startLine, column: 1 };
  const before = run.commands.slice(0, Math.max(0, run.commands.indexOf(cmd)));
  for (const k of words.length > 1 ? [2, 1] : [1]) {
    const head = (c: ShellCommand): string => c.words.slice(0, k).map((w) => w.raw).join(' ');
    const same = before.filter((c) => head(c) === head(cmd)).length;
    const re = new RegExp('(^|[^A-Za-z0-9_./-])' + words.slice(0, k).map((w) => escapeRe(w.raw)).join('[ \\t]+') + '(?![A-Za-z0-9_-])', 'g');
    let seen = 0;
    for (let ln = run.node.startLine; ln <= run.node.endLine; ln++) {
      for (const m of (input.lines[ln - 1] ?? '').matchAll(re)) {
        if (seen++ === same) return { line: ln, column: m.index + m[1].length + 1 };
      }
    }
  }
  return { line: run.node.startLine, column: 1 };
}
