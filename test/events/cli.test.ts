/**
 * `berth events` through a daemon: the docker CLI pointed at berth's socket prints exactly what
 * `berth events` prints (plain lines, --format templates, every filter), the --since/--until forms
 * (relative, RFC 3339 with and without zone, date only, unix seconds with a fraction), and a replay
 * of the recorded events after the daemon was killed and started again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, cleanEnv } from '../helpers/daemon.js';
import { DOCKER_CLI, runDockerCli } from '../helpers/dockerd.js';

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}(Z|[+-]\d{2}:\d{2}) (container|image|network|volume) \S+ \S+( \(.*\))?$/;

test('berth events: docker\'s lines and templates, since/until forms, filters, replay after a restart', { timeout: 240_000 }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  const tmp = mkdtempSync('/tmp/bt-events-cli-');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const pulled = await d.api('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pulled.status, 200);
  await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  await d.ok(['volume', 'create', 'evv']);
  await d.ok(['network', 'create', 'evn']);
  const ran = await d.berth(['run', '--name', 'evx', '--label', 'team=blue', '--label', 'tier=web', '-v', 'evv:/v', '--network', 'evn', 'busybox', 'sh', '-c', 'exit 7'], { timeoutMs: 60_000 });
  assert.equal(ran.code, 7, ran.stderr);
  await d.ok(['tag', 'busybox', 'evtag:1']);
  await d.ok(['rm', 'evx']);
  await new Promise((r) => setTimeout(r, 20));
  const t1 = Date.now();
  const since = String(t0 / 1000);
  const until = String(t1 / 1000);

  const all = await d.ok(['events', '--since', since, '--until', until]);
  const lines = all.trim().split('\n');
  for (const l of lines) assert.match(l, LINE);
  assert.ok(lines.some((l) => / container die [0-9a-f]{64} \(execDuration=\d+, exitCode=7, image=busybox, name=evx, team=blue, tier=web\)$/.test(l)), all);
  assert.ok(lines.some((l) => / volume mount evv \(container=[0-9a-f]{64}, destination=\/v, driver=local, propagation=, read\/write=true\)$/.test(l)), all);
  assert.ok(lines.some((l) => / network connect [0-9a-f]{64} \(container=[0-9a-f]{64}, name=evn, type=bridge\)$/.test(l)), all);
  assert.ok(lines.some((l) => / image tag sha256:[0-9a-f]{64} \(name=evtag:1\)$/.test(l)), all);
  const actions = lines.map((l) => l.split(' ').slice(1, 3).join(' '));
  assert.deepEqual(actions.filter((a) => a.startsWith('container')), [
    'container create', 'container attach', 'container start', 'container die', 'container destroy',
  ]);

  // --since/--until forms: the same window
  const iso = (ms: number) => new Date(ms).toISOString();
  const local = (ms: number) => { const x = new Date(ms); const p = (n: number, w = 2) => String(n).padStart(w, '0'); return `${x.getFullYear()}-${p(x.getMonth() + 1)}-${p(x.getDate())}T${p(x.getHours())}:${p(x.getMinutes())}:${p(x.getSeconds())}.${p(x.getMilliseconds(), 3)}`; };
  for (const [s, u] of [[iso(t0), iso(t1)], [local(t0), local(t1)], [since, iso(t1)]]) {
    assert.equal(await d.ok(['events', '--since', s, '--until', u]), all, `${s} ${u}`);
  }
  // relative, date only and whole seconds: from before t0 up to now, the window's events among them
  // a duration is cut to whole seconds (docker's GetTimestamp): wait for the second after t1 so `--until 0s` covers it
  await new Promise((r) => setTimeout(r, Math.max(0, Math.ceil(t1 / 1000) * 1000 + 50 - Date.now())));
  const relative = await d.ok(['events', '--since', '10m', '--until', '0s']);
  assert.ok(relative.includes(all), relative);
  const today = local(Date.now()).slice(0, 10);
  assert.ok((await d.ok(['events', '--since', today, '--until', '0s'])).includes(all));
  assert.ok((await d.ok(['events', '--since', String(Math.floor(t0 / 1000)), '--until', '0s'])).includes(all));
  // only --until: the recorded events up to it (as dockerd)
  assert.ok((await d.ok(['events', '--until', until])).includes(all));
  // refused
  const bad = await d.berth(['events', '--since', 'yesterday', '--until', '0s']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /failed to parse value as time or duration: "yesterday"/);
  const reversed = await d.berth(['events', '--since', until, '--until', since]);
  assert.notEqual(reversed.code, 0);
  assert.match(reversed.stderr, /cannot be after `until` time/);

  // filters (the docker CLI below prints the same)
  const filtered = (f: string[]) => d.ok(['events', '--since', since, '--until', until, ...f.flatMap((x) => ['--filter', x])]);
  const count = async (f: string[]) => (await filtered(f)).split('\n').filter(Boolean).length;
  assert.equal(await count(['type=volume']), 3); // create, mount, unmount
  assert.equal(await count(['container=evx']), 5);
  assert.equal(await count(['container=evx', 'event=die']), 1);
  assert.equal(await count(['label=team=blue', 'label=tier']), 5);
  assert.equal(await count(['label=team=red']), 0);
  assert.equal(await count(['image=busybox', 'type=container']), 5);
  assert.equal(await count(['image=evtag']), 1);
  assert.equal(await count(['network=evn']), 3);
  assert.equal(await count(['volume=evv']), 3);
  assert.equal(await count(['scope=swarm']), 0);
  assert.equal(await count(['type=daemon']), 0);

  // templates
  assert.equal(await d.ok(['events', '--since', since, '--until', until, '--filter', 'event=die', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.exitCode}}']), 'container die 7\n');
  const json = JSON.parse((await d.ok(['events', '--since', since, '--until', until, '--filter', 'event=die', '--format', 'json'])).trim());
  assert.equal(json.Actor.Attributes.exitCode, '7');
  assert.deepEqual(Object.keys(json), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);

  const badTemplate = await d.berth(['events', '--since', since, '--until', until, '--format', '{{.Nope}}']);
  assert.equal(badTemplate.code, 125);
  assert.match(badTemplate.stderr, /can't evaluate field Nope/);

  // the docker CLI against berth prints byte for byte the same
  if (existsSync(DOCKER_CLI)) {
    const env = { ...cleanEnv({ DOCKER_CONFIG: join(tmp, 'docker-config') }), DOCKER_HOST: `unix://${d.socket}` };
    const docker = async (args: string[]) => {
      const r = await runDockerCli(env, args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(await docker(['events', '--since', since, '--until', until]), all);
    for (const f of [['type=network'], ['container=evx', 'event=start'], ['label=team=blue'], ['image=busybox']]) {
      assert.equal(await docker(['events', '--since', since, '--until', until, ...f.flatMap((x) => ['--filter', x])]), await filtered(f), f.join(' '));
    }
    for (const fmt of ['{{json .}}', '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}', '{{.Time}} {{.TimeNano}} {{.Scope}}']) {
      assert.equal(await docker(['events', '--since', since, '--until', until, '--format', fmt]), await d.ok(['events', '--since', since, '--until', until, '--format', fmt]), fmt);
    }
  } else t.diagnostic(`${DOCKER_CLI} missing: the docker CLI comparison is skipped`);

  // a killed daemon's successor replays the same events
  await d.crash();
  await d.restart();
  assert.equal(await d.ok(['events', '--since', since, '--until', until]), all);
});
