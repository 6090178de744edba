/**
 * Builds through a real daemon run BuildKit's checks first: warnings in the build's stream (what the
 * docker CLI shows), `# check=error=true` failing the build before any step with ERR_LINT_FAILED, and
 * the API's stream carrying both. Needs `npm run build`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let base: string;

function context(name: string, dockerfile: string, extra: Record<string, string> = {}): string {
  const dir = join(base, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  for (const [f, c] of Object.entries(extra)) writeFileSync(join(dir, f), c);
  return dir;
}

/** POST /build with a tar of `files`, the JSON stream's messages. */
async function apiBuild(files: Record<string, string>, query = ''): Promise<{ status: number; messages: any[] }> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.43/build?${query}`, headers: { 'Content-Type': 'application/x-tar', 'Content-Length': body.length }, timeout: 60_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, messages: text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('build request timed out')));
    req.end(body);
  });
}

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-lint-build-'));
});
after(async () => { await d?.cleanup(); if (base) rmSync(base, { recursive: true, force: true }); });

test('a build prints its warnings as BuildKit\'s short list and still builds', async () => {
  const dir = context('warn', 'FROM scratch AS Base\nCOPY a.txt /a\nCMD echo hi\n');
  const r = await d.berth(['build', '-t', 'lint-warn:1', dir], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes([
    ' 2 warnings found (use berth build --check to expand):',
    " - StageNameCasing: Stage name 'Base' should be lowercase (line 1)",
    ' - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 3)',
  ].join('\n')), r.stdout);
  assert.match(r.stdout, /Successfully tagged lint-warn:1/);
  // a clean Dockerfile: no warning text at all
  const clean = await d.berth(['build', '-t', 'lint-clean:1', context('clean', 'FROM scratch\nCOPY a.txt /a\nCMD ["/a"]\n')], { timeoutMs: 60_000 });
  assert.equal(clean.code, 0, clean.stderr);
  assert.doesNotMatch(clean.stdout, /warning/i);
  // an unused stage's instructions are not dispatched, so not checked (BuildKit); `--check` checks every stage
  const unusedDir = context('unused', 'FROM scratch AS unused\nCMD echo x\nFROM scratch\nCOPY a.txt /a\n');
  const unused = await d.berth(['build', unusedDir], { timeoutMs: 60_000 });
  assert.equal(unused.code, 0, unused.stderr);
  assert.doesNotMatch(unused.stdout, /warning/i);
  const check = await d.berth(['build', '--check', unusedDir]);
  assert.equal(check.code, 1);
  assert.match(check.stdout, /^WARNING: JSONArgsRecommended/m);
  assert.equal((await d.berth(['build', '--check', '--target', 'unused', unusedDir])).code, 1);
});

test('# check=error=true with findings fails the build before any step', async () => {
  const dir = context('strict', '# check=error=true\nFROM scratch AS Base\nCOPY a.txt /a\nMAINTAINER me\n');
  const r = await d.berth(['build', '-t', 'lint-strict:1', dir], { timeoutMs: 60_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /lint violation found for rules: StageNameCasing, MaintainerDeprecated/);
  assert.doesNotMatch(r.stdout, /Step 1\//);
  assert.match(r.stdout, /2 warnings found/);
  assert.equal((await d.berth(['image', 'inspect', 'lint-strict:1'])).code, 1);
  // the same file with the checks skipped builds
  const skipped = context('strict-skip', '# check=error=true;skip=StageNameCasing,MaintainerDeprecated\nFROM scratch AS Base\nCOPY a.txt /a\nMAINTAINER me\n');
  const ok = await d.berth(['build', '-t', 'lint-strict:2', skipped], { timeoutMs: 60_000 });
  assert.equal(ok.code, 0, ok.stderr);
  assert.doesNotMatch(ok.stdout, /warnings? found/);
  // error=true and nothing to report builds too
  const clean = context('strict-clean', '# check=error=true\nFROM scratch\nCOPY a.txt /a\n');
  assert.equal((await d.berth(['build', clean], { timeoutMs: 60_000 })).code, 0);
});

test('the API stream carries the warnings and ERR_LINT_FAILED; a bad check directive fails the build', async () => {
  const warn = await apiBuild({ Dockerfile: 'FROM scratch\nCOPY a.txt /a\nENV key value\n', 'a.txt': 'a' }, 't=lint-api:1');
  assert.equal(warn.status, 200);
  const text = warn.messages.filter((m) => typeof m.stream === 'string').map((m) => m.stream).join('');
  assert.match(text, / - LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format \(line 3\)/);
  assert.match(text, / - SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data \(ENV "key"\) \(line 3\)/);
  assert.ok(warn.messages.some((m) => m.aux?.ID));

  const fail = await apiBuild({ Dockerfile: '# check=error=true\nFROM scratch\nCOPY a.txt /a\nENV key value\n', 'a.txt': 'a' });
  const last = fail.messages.at(-1);
  assert.equal(last.code, 'ERR_LINT_FAILED');
  assert.match(last.errorDetail.message, /^lint violation found for rules: LegacyKeyValueFormat, SecretsUsedInArgOrEnv$/);
  assert.ok(!fail.messages.some((m) => m.aux?.ID));

  // CopyIgnoredFile reads the context's .dockerignore
  const ignored = await apiBuild({ Dockerfile: 'FROM scratch\nCOPY a.txt /a\n', 'a.txt': 'a', '.dockerignore': 'b.txt\n' });
  assert.doesNotMatch(ignored.messages.map((m) => m.stream ?? '').join(''), /CopyIgnoredFile/);

  const bad = await apiBuild({ Dockerfile: '# check=bogus\nFROM scratch\n' });
  // nothing was written yet: the error is the answer itself
  assert.equal(bad.status, 400);
  assert.equal(bad.messages[0].code, 'ERR_LINT');
  assert.equal(bad.messages[0].message, 'failed to parse check options: invalid check option "bogus"');
});

test('UndefinedVar knows the base image\'s ENV from the store', async () => {
  await d.ok(['image', 'bootstrap', 'busybox'], { timeoutMs: 120_000 });
  const dir = context('env', 'FROM busybox\nENV P=$PATH:/x\nWORKDIR $HOM\n');
  const r = await d.berth(['build', dir], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, / - UndefinedVar: Usage of undefined variable '\$HOM' \(line 3\)/);
  assert.doesNotMatch(r.stdout, /\$PATH/);
});
