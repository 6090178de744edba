/**
 * Benchmark cases of berth lint: `berth lint` of 10, 50 and 100 Dockerfiles (the lint corpus,
 * test/lint/corpus, repeated), each in a directory of its own as a build context, without ShellCheck
 * (the issue's goal: 100 files under 1 s) and with it (reported). The CLI is timed from spawn to exit,
 * so Node's start is in the figure; the in-process tool times `lintAll` alone, what a daemon build pays.
 *
 * No peer: hadolint, the usual Dockerfile linter, is not packaged in Debian 12 (`apt-cache policy
 * hadolint` has no candidate) and ships only as a prebuilt Haskell binary or an image, neither of which
 * this machine may fetch.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import { lintAll } from '../../src/lint/lint-all.js';
import { defaultLintConfig } from '../../src/lint/registry.js';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { timedSpawn } from '../lib/proc.js';
import { CURRENT_BUILD } from '../peers/berth-build.js';
import { berthCliEnv } from '../peers/berth.js';

const CORPUS = new URL('../../test/lint/corpus/', import.meta.url);
const SIZES: Array<[full: number, smoke: number]> = [[10, 2], [50, 4], [100, 6]];

/** n build contexts, each with one corpus Dockerfile (every third without a .dockerignore). */
function writeContexts(ctx: BenchContext, n: number): string[] {
  const sources = readdirSync(CORPUS).filter((f) => f.endsWith('.Dockerfile')).sort().map((f) => readFileSync(new URL(f, CORPUS), 'utf8'));
  const root = join(ctx.workDir, `lint-${n}`);
  const dirs: string[] = [];
  for (let i = 0; i < n; i++) {
    const dir = join(root, String(i).padStart(3, '0'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), sources[i % sources.length]);
    if (i % 3 !== 0) writeFileSync(join(dir, '.dockerignore'), '.git\n');
    dirs.push(dir);
  }
  return dirs;
}

function cliTool(ctx: BenchContext, n: number, shellcheck: boolean): Tool {
  let dirs: string[] = [];
  const flags = ['lint', '--format', 'json', ...(shellcheck ? [] : ['--no-shellcheck'])];
  return {
    name: `berth ${flags.join(' ')}`,
    role: 'berth',
    command: `bin/berth ${flags.join(' ')} <${n} directories>`,
    async setup() { dirs = writeContexts(ctx, n); },
    async run() {
      // no daemon: lint runs in the CLI; a socket that does not exist and autostart off prove it
      const r = await timedSpawn(CURRENT_BUILD.bin, ['-H', `unix://${join(ctx.workDir, 'no-daemon.sock')}`, ...flags, ...dirs], { timeoutMs: ctx.options.runTimeoutMs, env: berthCliEnv() });
      // 1: findings at or above the threshold, which the corpus has on purpose
      if (r.code !== 0 && r.code !== 1) throw new SystemError(`berth lint exited ${r.code}: ${r.stderr.slice(0, 1000)}`, 'ERR_LINT');
      const summary = JSON.parse(r.stdout).summary as { files: number };
      if (summary.files !== n) throw new SystemError(`berth lint reported ${summary.files} files, not ${n}`, 'ERR_LINT');
      return r.ms;
    },
    async teardown() {},
  };
}

function inProcessTool(ctx: BenchContext, n: number, shellcheck: boolean): Tool {
  let jobs: Parameters<typeof lintAll>[0] = [];
  return {
    name: `lintAll in-process${shellcheck ? '' : ', no ShellCheck'}`,
    role: 'berth',
    command: `lintAll(<${n} Dockerfiles>) in the benchmark's process`,
    async setup() {
      jobs = writeContexts(ctx, n).map((dir, i) => ({
        text: readFileSync(join(dir, 'Dockerfile'), 'utf8'),
        options: { file: join(dir, 'Dockerfile'), ...(i % 3 === 0 ? { hasDockerignore: false } : { dockerignore: '.git\n' }), config: { ...defaultLintConfig(), shellcheck } },
      }));
    },
    async run() {
      const { results } = await lintAll(jobs);
      if (results.length !== n) throw new SystemError(`lintAll returned ${results.length} results`, 'ERR_LINT');
    },
    async teardown() {},
  };
}

function lintCase(full: number, smoke: number, shellcheck: boolean): Case {
  const series = shellcheck ? 'berth lint with ShellCheck' : 'berth lint without ShellCheck';
  return {
    name: `lint: ${full} Dockerfiles${shellcheck ? ', with ShellCheck' : ''}`,
    description: `\`berth lint\` of ${full} Dockerfiles (the lint corpus repeated, one build context each), ${shellcheck ? 'ShellCheck on every RUN script' : '`--no-shellcheck`'}; no peer: hadolint is not packaged in Debian 12`,
    ...(full === 100 && !shellcheck ? { goal: 'under 1 s for 100 Dockerfiles without ShellCheck (issue 26); hadolint cannot be installed here (not in Debian 12)' } : {}),
    ...(shellcheck ? { maxIterations: 5 } : {}),
    series: (ctx) => ({ name: series, size: ctx.size(full, smoke), unit: 'Dockerfile' }),
    tools: (ctx) => {
      const n = ctx.size(full, smoke);
      return [cliTool(ctx, n, shellcheck), inProcessTool(ctx, n, shellcheck)];
    },
  };
}

export const LINT_CASES: Case[] = [
  ...SIZES.map(([full, smoke]) => lintCase(full, smoke, false)),
  ...SIZES.map(([full, smoke]) => lintCase(full, smoke, true)),
];
