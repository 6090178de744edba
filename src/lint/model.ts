/**
 * The Dockerfile as the checks see it: the parser's nodes with the keyword as written (casing checks),
 * the comments right above each node (BuildKit's PrevComment: definition descriptions, per-instruction
 * `check=` comments), and the stages. Built from the builder's parser without its stage validation,
 * because BuildKit reports a duplicate stage name as a check, not an error.
 */
import type { Heredoc, Node, ParseResult } from '../builder/parser/ast.js';

export interface LintNode {
  /** lower-case instruction (`from`, `run`, ...) */
  kind: string;
  /** the instruction word as written (`FROM`, `from`, `From`) */
  keyword: string;
  args: string[];
  /** `--name=value` flags, in order (value undefined for a bare `--name`) */
  flags: Array<{ name: string; value?: string }>;
  json: boolean;
  heredocs: Heredoc[];
  line: number;
  endLine: number;
  /** comment lines right above (text after `#`, trimmed), reset by an empty `#` line, directives left out */
  comments: string[];
  node: Node;
}

export interface LintStage {
  index: number;
  from: LintNode;
  /** base image or stage as written */
  base: string;
  /** stage name as written (StageNameCasing wants the original) */
  nameAsWritten?: string;
  /** lower-cased, as BuildKit keys stages */
  name?: string;
  /** the keyword `AS` as written */
  asKeyword?: string;
  platform?: string;
  instructions: LintNode[];
}

export interface LintModel {
  metaArgs: LintNode[];
  stages: LintStage[];
  /** every top-level node in file order */
  nodes: LintNode[];
  escape: string;
}

const DIRECTIVE_LINE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const DIRECTIVE_KEYS = new Set(['escape', 'syntax', 'check']);

/** 0-based indexes of the leading parser-directive lines. */
function directiveLines(lines: string[]): Set<number> {
  const out = new Set<number>();
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE_LINE.exec(lines[i].replace(/^\uFEFF/, '').trim());
    if (!m) break;
    const key = m[1].toLowerCase();
    if (!DIRECTIVE_KEYS.has(key) || seen.has(key)) break;
    seen.add(key);
    out.add(i);
  }
  return out;
}

function parseFlags(raw: string[]): LintNode['flags'] {
  return raw.map((f) => {
    const body = f.replace(/^--/, '');
    const eq = body.indexOf('=');
    return eq < 0 ? { name: body } : { name: body.slice(0, eq), value: body.slice(eq + 1) };
  });
}

export function flagValue(n: LintNode, name: string): string | undefined {
  for (let i = n.flags.length - 1; i >= 0; i--) if (n.flags[i].name === name) return n.flags[i].value;
  return undefined;
}

export function buildModel(ast: ParseResult, lines: string[]): LintModel {
  const directives = directiveLines(lines);
  const nodes: LintNode[] = [];
  let prevEnd = 0; // 1-based last line of the previous node
  for (const node of ast.children) {
    let comments: string[] = [];
    for (let ln = prevEnd + 1; ln < node.startLine; ln++) {
      if (directives.has(ln - 1)) continue;
      const t = (lines[ln - 1] ?? '').trim();
      if (!t.startsWith('#')) continue;
      const text = t.slice(1).trim();
      if (text === '') comments = []; else comments.push(text);
    }
    prevEnd = node.endLine;
    const keyword = node.original.trim().split(/\s+/)[0] ?? node.value;
    nodes.push({
      kind: node.value, keyword, args: node.next.map((n) => n.value), flags: parseFlags(node.flags), json: node.json,
      heredocs: node.heredocs, line: node.startLine, endLine: node.endLine, comments, node,
    });
  }
  const metaArgs: LintNode[] = [];
  const stages: LintStage[] = [];
  for (const n of nodes) {
    if (n.kind === 'from') {
      const named = n.args.length === 3 && n.args[1].toLowerCase() === 'as';
      stages.push({
        index: stages.length, from: n, base: n.args[0] ?? '', nameAsWritten: named ? n.args[2] : undefined,
        name: named ? n.args[2].toLowerCase() : undefined, asKeyword: named ? n.args[1] : undefined,
        platform: flagValue(n, 'platform'), instructions: [],
      });
    } else if (stages.length === 0) metaArgs.push(n);
    else stages.at(-1)!.instructions.push(n);
  }
  return { metaArgs, stages, nodes, escape: ast.directives.escape };
}

/** `KEY` / `KEY=VALUE` words of an ARG (value with its quotes, as BuildKit keeps it until expansion). */
export function argPairs(n: LintNode): Array<{ key: string; value?: string }> {
  return n.args.map((w) => {
    const i = w.indexOf('=');
    return i < 0 ? { key: w } : { key: w.slice(0, i), value: w.slice(i + 1) };
  });
}

/** ENV/LABEL pairs; `legacy` for the `KEY value` form without `=`. */
export function kvPairs(n: LintNode): Array<{ key: string; value: string; legacy: boolean }> {
  const out: Array<{ key: string; value: string; legacy: boolean }> = [];
  for (let i = 0; i + 1 < n.args.length; i += 3) {
    out.push({ key: n.args[i], value: n.args[i + 1], legacy: n.args[i + 2] !== '=' });
  }
  return out;
}

/** COPY/ADD: sources (heredoc markers left out) and destination. */
export function copySources(n: LintNode): { sources: string[]; dest: string | undefined } {
  if (n.args.length === 0) return { sources: [], dest: undefined };
  const dest = n.args.at(-1);
  const isHeredoc = (w: string): boolean => n.heredocs.length > 0 && /^\d*<<-?/.test(w);
  return { sources: n.args.slice(0, -1).filter((w) => !isHeredoc(w)), dest };
}
