/** `ps -a` with 1000 containers (created, not started): every row is there; the time it takes is printed, not asserted. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const COUNT = 1000;
let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

test(`ps -a lists ${COUNT} containers`, { timeout: 240_000 }, async () => {
  assert.equal((await d.berth(['create', '--name', 'c0', 'busybox', 'true'])).code, 0); // bootstraps busybox once
  // through the API, a few at a time: the CLI's start-up would dominate otherwise
  for (let i = 1; i < COUNT; i += 8) {
    const batch = [];
    for (let j = i; j < Math.min(i + 8, COUNT); j++) {
      batch.push(d.api('POST', `/containers/create?name=c${j}`, { Image: 'busybox', Cmd: ['true'], Labels: { n: String(j) } }));
    }
    for (const r of await Promise.all(batch)) assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const runs: number[] = [];
  let rows: string[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    const ps = await d.berth(['ps', '-a']);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    assert.equal(ps.code, 0, ps.stderr);
    rows = ps.stdout.trimEnd().split('\n');
  }
  assert.match(rows[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
  assert.equal(rows.length - 1, COUNT);
  const names = new Set(rows.slice(1).map((r) => r.trim().split(/\s+/).at(-1)));
  assert.equal(names.size, COUNT);
  assert.ok(rows.slice(1).every((r) => /\bCreated\b/.test(r)));
  const q = await d.berth(['ps', '-aq', '--filter', 'label=n=999']);
  assert.equal(q.stdout.trim().split('\n').length, 1);
  // the API alone (no CLI start-up), for the report
  const apiRuns: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t1 = process.hrtime.bigint();
    const api = await d.api('GET', '/containers/json?all=1');
    apiRuns.push(Number(process.hrtime.bigint() - t1) / 1e6);
    assert.equal(api.body.length, COUNT);
  }
  const fmt = (xs: number[]) => `min ${Math.min(...xs).toFixed(0)} ms (runs ${xs.map((r) => r.toFixed(0)).join('/')})`;
  console.log(`# ps -a with ${COUNT} containers: CLI ${fmt(runs)}; GET /containers/json?all=1 ${fmt(apiRuns)}`);
});
