/**
 * `berth lint` with berth's own rules, ShellCheck, `.berth-lint.yaml`/--config, --strict, --no-shellcheck
 * and the SARIF/checkstyle formats, from the command line with no daemon. Needs `npm run build`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { BERTH_BIN, cleanEnv, type RunResult } from '../helpers/daemon.js';

let base: string;

function berth(args: string[], cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BERTH_BIN, ['-H', `unix://${join(base, 'no.sock')}`, ...args], {
      cwd: cwd ?? base, env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`berth ${args.join(' ')} timed out`)); }, 30_000);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }); });
  });
}

/** The new user: node:latest, apt-get without --no-install-recommends and cleanup, curl | sh, a password in ENV, no USER. */
const APP = [
  'FROM node:latest',
  'ENV DB_PASSWORD=hunter2',
  'RUN apt-get update && apt-get install -y curl',
  '# hadolint ignore=SC2086',
  'RUN curl -fsSL https://get.example.com/i.sh | sh && echo $HOME/$dir',
  'RUN echo $other',
  'COPY . /app',
  'CMD ["node", "/app/server.js"]',
].join('\n') + '\n';

before(() => {
  base = mkdtempSync(join(tmpdir(), 'berth-lint-own-cli-'));
  mkdirSync(join(base, 'app'));
  writeFileSync(join(base, 'app', 'Dockerfile'), APP);
  mkdirSync(join(base, 'configured'));
  writeFileSync(join(base, 'configured', 'Dockerfile'), APP);
  writeFileSync(join(base, 'configured', '.dockerignore'), '.git\n');
  writeFileSync(join(base, 'configured', '.berth-lint.yaml'), 'ignored: [DL3015, BL2002]\nseverity: {BL1001: error}\nfailureThreshold: error\nshellcheck: false\n');
  writeFileSync(join(base, 'bad.yaml'), 'severity: {BL1001: fatal}\n');
  writeFileSync(join(base, 'style.Dockerfile'), 'FROM debian:12\nRUN a\nRUN b\nUSER 1000\n');
});
after(() => { if (base) rmSync(base, { recursive: true, force: true }); });

test('the issue\'s Dockerfile: each problem with a code, a line and a fix; ShellCheck findings on their lines', async () => {
  const r = await berth(['lint', '--format', 'json', 'app']);
  assert.equal(r.code, 1, r.stderr);
  const findings: Array<{ code: string; line: number; fix?: string }> = JSON.parse(r.stdout).results[0].findings;
  const at = findings.map((f) => `${f.line}:${f.code}`);
  for (const want of ['1:BL1001', '1:BL2002', '2:BL4001', '3:BL3001', '3:BL3002', '5:BL5001', '7:BL6004', '6:SC2154']) assert.ok(at.includes(want), `${want} in ${at}`);
  assert.ok(!at.includes('5:SC2086'), '# hadolint ignore=SC2086 above line 5');
  assert.ok(at.includes('6:SC2086'));
  for (const f of findings.filter((x) => x.code.startsWith('BL'))) assert.ok(f.fix, f.code);
});

test('.berth-lint.yaml in the context: ignores (hadolint codes too), severities, threshold, shellcheck off', async () => {
  const r = await berth(['lint', '--format', 'json', 'configured']);
  const at = JSON.parse(r.stdout).results[0].findings.map((f: { line: number; code: string; severity: string }) => `${f.line}:${f.code}:${f.severity}`);
  assert.ok(at.includes('1:BL1001:error'));
  assert.ok(!at.some((x: string) => /BL3001|BL2002|SC\d|BL6004/.test(x)), at.join(' '));
  assert.equal(r.code, 1, 'BL1001 is an error now');
  // --config replaces it; --no-shellcheck
  writeFileSync(join(base, 'lenient.yaml'), 'failureThreshold: none\n');
  const lenient = await berth(['lint', '--config', join(base, 'lenient.yaml'), '--no-shellcheck', '--format', 'json', 'configured']);
  assert.equal(lenient.code, 0);
  const codes = JSON.parse(lenient.stdout).results[0].findings.map((f: { code: string }) => f.code);
  assert.ok(codes.includes('BL2002') && !codes.some((c: string) => c.startsWith('SC')));
});

test('--strict fails on style findings; without it they are advice', async () => {
  const plain = await berth(['lint', '--no-shellcheck', 'style.Dockerfile']);
  assert.equal(plain.code, 0, plain.stdout);
  assert.match(plain.stdout, /^style\.Dockerfile:3:1 BL6003: .*\[style\]$/m);
  assert.equal((await berth(['lint', '--strict', '--no-shellcheck', 'style.Dockerfile'])).code, 1);
  assert.equal((await berth(['lint', '--strict', '--failure-threshold', 'error', 'style.Dockerfile'])).code, 125);
});

test('a bad config or a missing --config: ERR_LINT_CONFIG\'s message naming the file, non-zero exit', async () => {
  const bad = await berth(['lint', '--config', join(base, 'bad.yaml'), 'app']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /bad\.yaml: "severity\.BL1001" must be one of/);
  const missing = await berth(['lint', '--config', join(base, 'nope.yaml'), 'app']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope\.yaml: cannot be read: ENOENT/);
});

test('--format sarif validates against SARIF 2.1.0; --format checkstyle is checkstyle XML', async () => {
  const r = await berth(['lint', '--format', 'sarif', 'app']);
  assert.equal(r.code, 1);
  // typed, so validate()'s guard (data is unknown) has something to keep
  const log: { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> } = JSON.parse(r.stdout);
  const schema = JSON.parse(readFileSync(new URL('../../../shared/specs/supply-chain/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
  schema.$id = schema.id; delete schema.id; delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
  const ids = log.runs[0].results.map((x: { ruleId: string }) => x.ruleId);
  assert.ok(ids.includes('BL5001') && ids.includes('SC2154'));
  assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'app/Dockerfile');
  const xml = await berth(['lint', '--format', 'checkstyle', 'app']);
  assert.match(xml.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<checkstyle version="4\.3">\n {2}<file name="app\/Dockerfile">\n/);
  assert.match(xml.stdout, /<error line="5" column="\d+" severity="warning" message="RUN pipes a download into sh: `curl … \| sh` runs whatever the server sends" source="BL5001"\/>/);
  assert.match(xml.stdout, /<\/checkstyle>\n$/);
});
