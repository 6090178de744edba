/**
 * RUN scripts checked by ShellCheck (Debian's `shellcheck`), its findings mapped back to Dockerfile
 * lines. Each RUN becomes one script file laid out line for line like the Dockerfile (the `RUN` keyword
 * and flags blanked, so columns match too); all scripts of a dialect go to one `shellcheck -f json1`
 * process per batch, batches run in parallel.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemError } from '../common/errors.js';
import { basename, parseShell } from './shell/commands.js';
import { heredocsRunAsScripts, inherited, keyValues, view } from './rules/berth/dockerfile.js';
import type { LintFinding, LintInput, LintRuleInfo, LintSeverity } from './types.js';

export const SHELLCHECK_BINARY = '/usr/bin/shellcheck';

/**
 * ShellCheck codes that make no sense for a Dockerfile's RUN: sourced files are not in the context
 * (SC1090, SC1091). SC2154 ("referenced but not assigned") is dropped for variables the Dockerfile
 * defines with ARG or ENV, which the shell sees as its environment.
 */
export const EXCLUDED_CODES = ['SC1090', 'SC1091'];

export const SHELLCHECK_RULE: LintRuleInfo = {
  code: 'SC',
  name: 'ShellCheck',
  defaultSeverity: 'warning',
  description: 'ShellCheck\'s findings in RUN scripts, with ShellCheck\'s own codes (SC####) and severities',
  url: 'https://www.shellcheck.net/wiki/',
  origin: 'shellcheck',
};

type Dialect = 'sh' | 'bash' | 'dash' | 'ksh';

export interface ShellScript {
  dialect: Dialect;
  text: string;
  /** the Dockerfile line of the script's first line */
  line: number;
  /** false when the script's columns do not match the Dockerfile's (JSON form) */
  columnsMatch: boolean;
  /** names ARG and ENV define for this RUN */
  defined: Set<string>;
}

function dialectOf(shell: string | undefined): Dialect | undefined {
  const name = basename(shell ?? '/bin/sh');
  if (name === 'sh' || name === 'ash' || name === 'busybox') return 'sh';
  if (name === 'bash' || name === 'dash' || name === 'ksh') return name;
  return undefined; // zsh, powershell, cmd: ShellCheck does not read them
}

/** The RUN scripts of one Dockerfile, in the shape ShellCheck reads. */
export function runScripts(input: LintInput): ShellScript[] {
  if (input.ast.directives.escape !== '\\') return []; // a backquote escape is for Windows images
  const v = view(input);
  const out: ShellScript[] = [];
  const globals = new Set(v.globalArgs.keys());
  for (const run of v.runs) {
    const node = run.node;
    const defined = new Set(globals);
    for (const n of inherited(run.stage)) {
      if (n.startLine >= node.startLine) break;
      if (n.value === 'arg' || n.value === 'env') for (const [k] of keyValues(n)) defined.add(k);
    }
    if (node.json) {
      const words = node.next.map((n) => n.value);
      const c = words.indexOf('-c');
      const dialect = c > 0 ? dialectOf(words[0]) : undefined;
      if (dialect && words[c + 1] !== undefined) out.push({ dialect, text: words[c + 1] + '\n', line: node.startLine, columnsMatch: false, defined });
      continue;
    }
    const heredocLines = node.heredocs.reduce((sum, h) => sum + h.content.split('\n').length, 0);
    // the instruction's own lines end where the heredoc bodies (each with its terminator line) start
    const instructionEnd = node.endLine - heredocLines;
    const asScripts = heredocsRunAsScripts(node, parseShell(node.next[0]?.value ?? ''));
    if (asScripts) {
      let start = instructionEnd + 1;
      for (const h of node.heredocs) {
        const s = asScripts.find((x) => x.name === h.name);
        const dialect = dialectOf(s?.shell ?? run.shell);
        if (s && dialect) out.push({ dialect, text: h.content, line: start, columnsMatch: true, defined });
        start += h.content.split('\n').length;
      }
      continue;
    }
    const dialect = dialectOf(run.shell);
    if (!dialect) continue;
    const lines = input.lines.slice(node.startLine - 1, node.endLine);
    const own = Math.min(lines.length, instructionEnd - node.startLine + 1);
    for (let i = 1; i < own; i++) {
      // the Dockerfile drops comment and empty lines inside a continuation; a lone `\` keeps it going
      if (/^\s*(#.*)?$/.test(lines[i])) lines[i] = '\\';
    }
    blankInstruction(lines, own);
    out.push({ dialect, text: lines.join('\n') + '\n', line: node.startLine, columnsMatch: true, defined });
  }
  return out;
}

/**
 * `RUN --mount=type=cache,target=/x apt-get …` → spaces up to `apt-get`, so columns stay. Flags may go on
 * over continuation lines (`RUN --mount=a \` / `    --mount=b cmd`): those are blanked too.
 */
function blankInstruction(lines: string[], own: number): void {
  const keyword = /^\s*\S+/.exec(lines[0]);
  let i = 0;
  let pos = keyword ? keyword[0].length : 0;
  while (i < own) {
    const line = lines[i];
    const flag = /^\s*--\S+/.exec(line.slice(pos));
    if (flag) { pos += flag[0].length; continue; }
    const rest = line.slice(pos);
    if (/^\s*\\?\s*$/.test(rest) && i + 1 < own) {
      // only flags (or nothing) on this line: the command starts on a later one
      lines[i] = ' '.repeat(line.length - rest.length) + rest;
      i++;
      pos = 0;
      continue;
    }
    lines[i] = ' '.repeat(pos) + rest;
    return;
  }
}

interface Json1Comment { file: string; line: number; endLine: number; column: number; endColumn: number; level: string; code: number; message: string }

const LEVELS: Record<string, LintSeverity> = { error: 'error', warning: 'warning', info: 'info', style: 'style' };

export interface ShellcheckOptions {
  binary?: string;
  /** processes at once (default: the CPUs) */
  concurrency?: number;
  /** files per process */
  batchSize?: number;
  timeoutMs?: number;
}

export function shellcheckAvailable(binary = SHELLCHECK_BINARY): boolean {
  return existsSync(binary);
}

/**
 * ShellCheck's findings for each input, in order; inputs whose config turns ShellCheck off get none.
 * Throws a SystemError when the binary is missing or fails.
 */
export async function shellcheckFindings(inputs: LintInput[], opts: ShellcheckOptions = {}): Promise<LintFinding[][]> {
  const binary = opts.binary ?? SHELLCHECK_BINARY;
  const results: LintFinding[][] = inputs.map(() => []);
  const jobs: Array<{ input: number; script: ShellScript; path: string }> = [];
  for (const [i, input] of inputs.entries()) {
    if (!input.config.shellcheck) continue;
    for (const script of runScripts(input)) jobs.push({ input: i, script, path: '' });
  }
  if (jobs.length === 0) return results;
  if (!shellcheckAvailable(binary)) throw new SystemError(`shellcheck is not installed at ${binary}`, 'ERR_LINT');
  const dir = await mkdtemp(join(tmpdir(), 'berth-shellcheck-'));
  try {
    await Promise.all(jobs.map((j, n) => { j.path = join(dir, `${n}.${j.script.dialect}`); return writeFile(j.path, j.script.text); }));
    const batchSize = opts.batchSize ?? 64;
    const batches: Array<typeof jobs> = [];
    for (const dialect of ['sh', 'bash', 'dash', 'ksh'] as Dialect[]) {
      const of = jobs.filter((j) => j.script.dialect === dialect);
      for (let k = 0; k < of.length; k += batchSize) batches.push(of.slice(k, k + batchSize));
    }
    const byPath = new Map(jobs.map((j) => [j.path, j]));
    await pool(batches, opts.concurrency ?? Math.max(1, availableParallelism()), async (batch) => {
      const comments = await runShellcheck(binary, batch[0].script.dialect, batch.map((j) => j.path), opts.timeoutMs ?? 60_000);
      for (const c of comments) {
        const job = byPath.get(c.file);
        if (!job) continue;
        const f = toFinding(inputs[job.input], job.script, c);
        if (f) results[job.input].push(f);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const r of results) r.sort((a, b) => a.line - b.line || a.column - b.column);
  return results;
}

function toFinding(input: LintInput, script: ShellScript, c: Json1Comment): LintFinding | undefined {
  const code = `SC${c.code}`;
  if (EXCLUDED_CODES.includes(code)) return undefined;
  if (code === 'SC2154') {
    const name = /^(\S+) is referenced but not assigned/.exec(c.message)?.[1];
    if (name && script.defined.has(name)) return undefined;
  }
  const line = script.line + c.line - 1;
  return {
    code, severity: LEVELS[c.level] ?? 'warning', message: c.message, file: input.file,
    line: script.columnsMatch ? line : script.line,
    column: script.columnsMatch ? c.column : 1,
    ...(script.columnsMatch && c.endLine !== c.line ? { endLine: script.line + c.endLine - 1 } : {}),
    url: `https://www.shellcheck.net/wiki/${code}`,
  };
}

function runShellcheck(binary: string, dialect: Dialect, files: string[], timeoutMs: number): Promise<Json1Comment[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-f', 'json1', '-s', dialect, '-e', EXCLUDED_CODES.join(','), '--', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { clearTimeout(timer); reject(new SystemError(`shellcheck: ${e.message}`, 'ERR_LINT', e)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // 0: nothing found, 1: findings; anything else is ShellCheck failing
      if (signal || (code !== 0 && code !== 1)) {
        reject(new SystemError(`shellcheck failed (${signal ?? `exit ${code}`}): ${Buffer.concat(err).toString().trim().slice(0, 300)}`, 'ERR_LINT'));
        return;
      }
      try { resolve((JSON.parse(Buffer.concat(out).toString()) as { comments: Json1Comment[] }).comments); } catch (e) {
        reject(new SystemError(`shellcheck printed no JSON: ${(e as Error).message}`, 'ERR_LINT'));
      }
    });
  });
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
