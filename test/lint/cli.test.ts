/**
 * `berth lint` and `berth build --check` from the command line, with no daemon (a socket that does not
 * exist and autostart off: both must work without one). Needs `npm run build`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_BIN, cleanEnv, type RunResult } from '../helpers/daemon.js';

let base: string;

function berth(args: string[], opts: { cwd?: string; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BERTH_BIN, ['-H', `unix://${join(base, 'no.sock')}`, ...args], {
      cwd: opts.cwd ?? base, env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }), stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`berth ${args.join(' ')} timed out`)); }, 30_000);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }); });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

const BAD = 'FROM scratch AS Builder\nCOPY secret.txt /s\nCMD echo hi\n';
const GOOD = 'FROM scratch AS base\nCOPY app.txt /app\nCMD ["/app"]\nUSER 65534\n';

before(() => {
  base = mkdtempSync(join(tmpdir(), 'berth-lint-cli-'));
  for (const [dir, df, ignore] of [['bad', BAD, 'secret.txt\n'], ['good', GOOD, '']] as const) {
    mkdirSync(join(base, dir));
    writeFileSync(join(base, dir, 'Dockerfile'), df);
    if (ignore) writeFileSync(join(base, dir, '.dockerignore'), ignore);
  }
  mkdirSync(join(base, 'podman'));
  writeFileSync(join(base, 'podman', 'Containerfile'), 'FROM scratch\nMAINTAINER me\n');
  mkdirSync(join(base, 'empty'));
  writeFileSync(join(base, 'broken.Dockerfile'), 'FROM scratch\nFROBNICATE x\n');
});
after(() => { if (base) rmSync(base, { recursive: true, force: true }); });

test('berth lint DIR: text findings with location, fix and URL; exit 1', async () => {
  const r = await berth(['lint', 'bad']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const firstLines = r.stdout.split('\n').filter((l) => !l.startsWith('  '));
  assert.deepEqual(firstLines.filter(Boolean), [
    "bad/Dockerfile:1:1 StageNameCasing: Stage name 'Builder' should be lowercase [warning]",
    "bad/Dockerfile:1:1 BL2002: The final stage (FROM scratch) sets no USER, so the container runs as the base image's user, root for most images [info]",
    'bad/Dockerfile:2:1 CopyIgnoredFile: Attempting to Copy file "secret.txt" that is excluded by .dockerignore [warning]',
    'bad/Dockerfile:3:1 JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals [warning]',
  ]);
  assert.match(r.stdout, /^ {2}fix: .+$/m);
  assert.match(r.stdout, /^ {2}see: https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/copy-ignored-file\/$/m);
});

test('a clean Dockerfile prints nothing and exits 0; the working directory is the default PATH', async () => {
  const r = await berth(['lint'], { cwd: join(base, 'good') });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
});

test('--format json: results and a summary', async () => {
  const r = await berth(['lint', '--format', 'json', 'bad', 'good']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.results.map((x: { file: string }) => x.file), ['bad/Dockerfile', 'good/Dockerfile']);
  assert.deepEqual(j.results[0].findings.map((f: { code: string; line: number }) => `${f.line}:${f.code}`), ['1:StageNameCasing', '1:BL2002', '2:CopyIgnoredFile', '3:JSONArgsRecommended']);
  assert.deepEqual(j.results[1].findings, []);
  assert.deepEqual(j.summary, { files: 2, findings: 4, parseErrors: 0, error: 0, warning: 3, info: 1, style: 0 });
  const f = j.results[0].findings[0];
  assert.deepEqual(Object.keys(f).sort(), ['code', 'column', 'endLine', 'file', 'fix', 'line', 'message', 'severity', 'url']);
});

test('stdin, -f, a Containerfile, --build-arg and --failure-threshold', async () => {
  const stdin = await berth(['lint', '-'], { input: 'FROM scratch\nMAINTAINER x\n' });
  assert.equal(stdin.code, 1);
  assert.match(stdin.stdout, /^-:2:1 MaintainerDeprecated: /m);
  const f = await berth(['lint', '-f', 'bad/Dockerfile', 'good']);
  // the context is good/: its (empty) .dockerignore, so no CopyIgnoredFile
  assert.doesNotMatch(f.stdout, /CopyIgnoredFile/);
  assert.match(f.stdout, /^bad\/Dockerfile:1:1 StageNameCasing/);
  const podman = await berth(['lint', 'podman']);
  assert.match(podman.stdout, /^podman\/Containerfile:2:1 MaintainerDeprecated/m);
  writeFileSync(join(base, 'args.Dockerfile'), 'FROM scratch\nARG P\nEXPOSE $P\n');
  assert.match((await berth(['lint', '--build-arg', 'P=8080:80', 'args.Dockerfile'])).stdout, /ExposeInvalidFormat: .*found '8080:80'/);
  assert.equal((await berth(['lint', '--build-arg', 'P=80', 'args.Dockerfile'])).code, 0);
  const lenient = await berth(['lint', '--failure-threshold', 'error', 'bad']);
  assert.equal(lenient.code, 0);
  assert.match(lenient.stdout, /StageNameCasing/);
  assert.equal((await berth(['lint', '--failure-threshold', 'loud', 'bad'])).code, 125);
  assert.equal((await berth(['lint', '--format', 'yaml', 'bad'])).code, 125);
});

test('a file that does not parse or cannot be read: exit 2, the others still reported', async () => {
  const r = await berth(['lint', 'broken.Dockerfile', 'missing', 'empty', 'bad']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^missing: no such file or directory$/m);
  assert.match(r.stderr, /^empty: no Dockerfile or Containerfile in this directory$/m);
  assert.match(r.stderr, /^broken\.Dockerfile:2: error: dockerfile parse error on broken\.Dockerfile:2:1: unknown instruction: FROBNICATE$/m);
  assert.match(r.stdout, /^bad\/Dockerfile:1:1 StageNameCasing/m);
  const j = JSON.parse((await berth(['lint', '--format', 'json', 'broken.Dockerfile'])).stdout);
  assert.equal(j.results[0].parseError.line, 2);
  if (process.getuid?.() !== 0) {
    writeFileSync(join(base, 'locked'), 'FROM scratch\n');
    chmodSync(join(base, 'locked'), 0);
    assert.equal((await berth(['lint', 'locked'])).code, 2);
  }
});

test('berth build --check: buildx\'s report, exit 1 with warnings, 0 without, no daemon needed', async () => {
  const bad = await berth(['build', '--check', 'bad']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.ok(bad.stdout.startsWith('Check complete, 3 warnings have been found!\n\nWARNING: StageNameCasing - https://docs.docker.com/go/dockerfile/rule/stage-name-casing/\nStage name \'Builder\' should be lowercase\nDockerfile:1\n--------------------\n   1 | >>> FROM scratch AS Builder\n   2 |     COPY secret.txt /s\n   3 |     CMD echo hi\n--------------------\n'), bad.stdout);
  assert.match(bad.stdout, /^WARNING: CopyIgnoredFile - /m);
  const good = await berth(['build', '--check', 'good']);
  assert.deepEqual([good.code, good.stdout], [0, 'Check complete, no warnings found.\n']);
  const stdin = await berth(['build', '--check', '-'], { input: 'FROM scratch\nMAINTAINER x\n' });
  assert.equal(stdin.code, 1);
  assert.match(stdin.stdout, /^Check complete, 1 warning has been found!$/m);
  const f = await berth(['build', '--check', '-f', 'broken.Dockerfile', 'good']);
  assert.equal(f.code, 1);
  assert.match(f.stdout, /dockerfile parse error on broken\.Dockerfile:2:1: unknown instruction: FROBNICATE\nbroken\.Dockerfile:2\n/);
  // BuildKit's own checks only: skip=all silences them
  const skipped = await berth(['build', '--check', '-'], { input: '# check=skip=all\nFROM scratch AS Builder\n' });
  assert.deepEqual([skipped.code, skipped.stdout], [0, 'Check complete, no warnings found.\n']);
});

test('berth build --call=check[,format=json]: BuildKit\'s LintResults JSON; other --call methods refused', async () => {
  const r = await berth(['build', '--call=check,format=json', '-'], { input: 'FROM scratch AS B\nMAINTAINER x\n' });
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.warnings.map((w: { ruleName: string }) => w.ruleName), ['StageNameCasing', 'MaintainerDeprecated']);
  assert.deepEqual(j.warnings[0], {
    ruleName: 'StageNameCasing', description: 'Stage names should be lowercase', url: 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/',
    detail: "Stage name 'B' should be lowercase", location: { ranges: [{ start: { line: 1 }, end: { line: 1 } }] },
  });
  assert.equal(Buffer.from(j.sources[0].data, 'base64').toString(), 'FROM scratch AS B\nMAINTAINER x\n');
  assert.equal(j.sources[0].filename, 'Dockerfile');
  const broken = JSON.parse((await berth(['build', '--call', 'check,format=json', '-'], { input: 'FROM scratch\nBOGUS\n' })).stdout);
  assert.match(broken.buildError.message, /unknown instruction: BOGUS/);
  assert.deepEqual(broken.buildError.location, { ranges: [{ start: { line: 2 }, end: { line: 2 } }] });
  const text = await berth(['build', '--call=check', 'good']);
  assert.deepEqual([text.code, text.stdout], [0, 'Check complete, no warnings found.\n']);
  const outline = await berth(['build', '--call=outline', 'good']);
  assert.notEqual(outline.code, 0);
  assert.match(outline.stderr, /--call=outline is not supported/);
});
