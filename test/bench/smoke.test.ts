/**
 * Runs the benchmark harness in smoke mode (2 iterations, no warm-up) against a real berth daemon and
 * bare crun, and checks the report was written with every case and numeric medians. The figures
 * themselves are never asserted: they depend on the machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, PROBES } from '../../bench/cases/index.js';
import { NETNS_PREFIX } from '../../bench/lib/netns.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function benchNetns(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n')
    .map((l) => l.split(' ')[0]).filter((n) => n.startsWith(NETNS_PREFIX));
}

/**
 * What this run created, from its log: other checkouts may run the benchmark at the same time, so
 * a namespace or work directory of theirs must not count as ours.
 */
function createdBy(stderr: string): { netns: string[]; workDirs: string[] } {
  return {
    netns: [...stderr.matchAll(/created netns (\S+)/g)].map((m) => m[1]),
    workDirs: [...stderr.matchAll(/work directory (\S+)/g)].map((m) => m[1]),
  };
}

function assertNothingLeft(stderr: string): void {
  const created = createdBy(stderr);
  assert.ok(created.workDirs.length === 1, `the run logged no work directory:\n${stderr.slice(-2000)}`);
  assert.ok(created.netns.length >= 1, 'the run logged no namespace');
  const live = new Set(benchNetns());
  assert.deepEqual(created.netns.filter((n) => live.has(n)), [], 'the benchmark left a network namespace');
  assert.deepEqual(created.workDirs.filter((d) => existsSync(d)), [], 'the benchmark left its work directory');
}

function gitWorktrees(): string[] {
  return spawnSync('git', ['-C', REPO, 'worktree', 'list', '--porcelain'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith('worktree '));
}

function runSmoke(outDir: string, timeoutMs: number, extraArgs: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULTS_DIR: outDir, ...extraEnv };
    delete env.NODE_TEST_CONTEXT;
    if (!('BENCH_BASELINE_REF' in extraEnv)) delete env.BENCH_BASELINE_REF;
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', ...extraArgs], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    // SIGTERM first: the harness cleans up on it.
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`bench smoke run timed out\n${stderr}`)); }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
  });
}

const numeric = /^\d+(\.\d+)?$/;

test('bench smoke run writes a report with every case and numeric medians, and leaves nothing behind', { timeout: 600_000 }, async (t) => {
  const outDir = mkdtempSync('/tmp/bench-smoke-out-');
  t.after(() => rmSync(outDir, { recursive: true, force: true }));

  const r = await runSmoke(outDir, 540_000);
  assert.equal(r.code, 0, `bench exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);

  const files = readdirSync(outDir);
  const md = files.find((f) => f.endsWith('-smoke.md'));
  assert.ok(md, `no Markdown report in ${outDir}: ${files.join(', ')}`);
  const report = readFileSync(join(outDir, md), 'utf8');
  assert.match(report, /Smoke run/);
  for (const fact of ['kernel', 'cgroups', 'node', 'crun', 'conmon', 'runc']) assert.match(report, new RegExp(`^\\| ${fact} \\| \\S`, 'm'));

  const json = JSON.parse(readFileSync(join(outDir, md.replace(/\.md$/, '.json')), 'utf8'));
  for (const c of CASES) {
    const section = report.split(`### ${c.name}\n`)[1];
    assert.ok(section, `report has no section for case "${c.name}"`);
    const rows = section.split(/\n##+ /)[0].split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| tool'));
    const recorded = json.cases.find((x: { name: string }) => x.name === c.name);
    // peers with daemons of their own (docker, podman, buildah) join the smoke run only when asked for,
    // and CI has none installed: a case may hold berth alone
    assert.ok(recorded.tools.some((t: { role: string }) => t.role === 'berth'), `case "${c.name}" has no berth tool`);
    assert.equal(rows.length, recorded.tools.length);
    for (const row of rows) {
      const cells = row.split('|').map((s) => s.trim());
      assert.match(cells[2], numeric, `median of "${cells[1]}" in "${c.name}" is not a number: ${row}`);
      assert.match(cells[3], numeric, `p95 of "${cells[1]}" in "${c.name}" is not a number: ${row}`);
      if (recorded.bestPeer) assert.match(cells[8], /^\d+(\.\d+)?×$/, `ratio of "${cells[1]}" in "${c.name}" is missing: ${row}`);
    }
  }
  for (const p of PROBES) {
    const recorded = json.probes.find((x: { name: string }) => x.name === p.name);
    assert.ok(recorded && !recorded.error, `probe "${p.name}" failed: ${JSON.stringify(recorded)}`);
    // the peers' probe measures only the daemon peers, which the smoke run leaves out by default
    if (p.name === 'memory') assert.ok(recorded.lines.length > 0, 'the berth memory probe measured nothing');
    for (const l of recorded.lines) assert.ok(Number.isFinite(l.value), `probe line "${l.name}" is not a number`);
  }
  assert.match(report, /^## Goals against results$/m, 'the report prints the issue\'s goals against the results');
  const svgName = /!\[[^\]]*\]\(\.\/([^)]+\.svg)\)/.exec(report)?.[1];
  assert.ok(svgName && files.includes(svgName), 'the report links a chart that was written');
  assert.match(readFileSync(join(outDir, svgName), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

  assertNothingLeft(r.stderr);
});

test('bench smoke run with BENCH_BASELINE_REF=HEAD: a second berth per case, a before/after table, and nothing left behind', { timeout: 600_000 }, async (t) => {
  const outDir = mkdtempSync('/tmp/bench-smoke-out-');
  t.after(() => rmSync(outDir, { recursive: true, force: true }));
  const worktreesBefore = gitWorktrees();
  const short = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();

  // a few cases of different shapes: engine CLI, the CLI start case, berth's registry server
  const only = ['no network', 'cli start: version', 'registry server: skopeo pushes'];
  const r = await runSmoke(outDir, 540_000, ['--no-probes', '--only', only.join(',')], { BENCH_BASELINE_REF: 'HEAD' });
  assert.equal(r.code, 0, `bench exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);

  const md = readdirSync(outDir).find((f) => f.endsWith('-smoke.md'));
  assert.ok(md, 'no Markdown report');
  const report = readFileSync(join(outDir, md), 'utf8');
  const json = JSON.parse(readFileSync(join(outDir, md.replace(/\.md$/, '.json')), 'utf8'));
  assert.equal(json.options.baseline.short, short);
  // without skopeo (CI) the registry server case has no tools at all
  const cases = (json.cases as { name: string; tools: { name: string; role: string; baselineOf?: string; summary?: { median: number } }[] }[])
    .filter((c) => c.tools.some((x) => x.role === 'berth'));
  assert.ok(cases.length >= 2, `expected the chosen cases, got ${cases.map((c) => c.name).join(', ')}`);
  for (const c of cases) {
    const baseline = c.tools.filter((x) => x.baselineOf);
    assert.equal(baseline.length, 1, `case "${c.name}" has no baseline tool: ${c.tools.map((x) => x.name).join(', ')}`);
    assert.ok(baseline[0].name.includes(`berth@${short}`), `baseline tool "${baseline[0].name}" is not named after ${short}`);
    assert.ok(Number.isFinite(baseline[0].summary?.median), `baseline tool of "${c.name}" did not measure`);
  }
  assert.equal(json.comparisons.length, cases.length);
  for (const row of json.comparisons) assert.ok(['within noise', 'slower', 'faster'].includes(row.verdict));
  assert.match(report, /^## Before and after$/m);
  assert.equal(report.split('\n').filter((l) => / \| (within noise|\*\*slower\*\*|\*\*faster\*\*) \|$/.test(l)).length, cases.length);

  assertNothingLeft(r.stderr);
  assert.deepEqual(gitWorktrees(), worktreesBefore, 'the benchmark left the baseline\'s git worktree');
});
