/**
 * The same actions against dockerd (Debian's 20.10) and berth, then GET /events?since&until from
 * both, compared per (Type, Action): the sets of attribute keys, and the values that are the same on
 * both sides (a container's name, image, exitCode, signal; a network's name and type; a volume's
 * driver, destination, read/write). dockerd runs in berth's test namespace, so both reach one
 * Debian docker-registry on 127.0.0.1 there. The deliberate differences are in DIFFERENCES (and in
 * docs/events.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type RunResult, type TestDaemon } from '../helpers/daemon.js';
import { dockerdMissing, startDockerd } from '../helpers/dockerd.js';

const REGISTRY = '/usr/bin/docker-registry';
const PORT = 5011;
/** the health check's command as dockerd's exec events show it (CMD-SHELL) */
const PROBE = '/bin/sh -c true';

interface Ev { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; time: number; timeNano: number }

/**
 * Deliberate differences, by "Type Action": keys berth adds or leaves out, and events only one side emits.
 * - container die: `execDuration` is what dockerd 23+ (API 1.42+) sends; dockerd 20.10 does not yet.
 */
const EXTRA_KEYS: Record<string, string[]> = { 'container die': ['execDuration'] };
const MISSING_KEYS: Record<string, string[]> = {};
const ONLY_DOCKERD = new Set<string>([]);
const ONLY_BERTH = new Set<string>([]);

/** values compared where both sides must agree (IDs and paths of temp files differ) */
const SAME_VALUES: Record<string, string[]> = {
  container: ['name', 'image', 'exitCode', 'signal', 'oldName', 'team', 'height', 'width'],
  network: ['name', 'type'],
  volume: ['driver', 'destination', 'read/write'],
  image: [],
};

function startPeer(netns: string, args: string[], peers: ChildProcess[]): Promise<void> {
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errText = '';
  child.stderr!.on('data', (c) => { errText += c; });
  peers.push(child);
  return (async () => {
    for (let i = 0; i < 100; i++) {
      if (spawnSync('nsenter', [`--net=/run/netns/${netns}`, 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${PORT}`]).status === 0) return;
      if (child.exitCode !== null) throw new Error(`registry exited: ${errText}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`registry did not start: ${errText}`);
  })();
}

/** The same actions with either CLI (`berth` or `docker`): every event kind this test compares. */
async function actions(cli: (args: string[]) => Promise<RunResult>, tmp: string, subnet: string): Promise<void> {
  const ok = async (args: string[]) => {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const ref = `127.0.0.1:${PORT}/ev/bb:1`;
  await ok(['tag', 'busybox', ref]);
  await ok(['push', ref]);
  await ok(['rmi', ref]);
  await ok(['pull', ref]);
  await ok(['rmi', ref]);
  await ok(['volume', 'create', 'evvol']);
  await ok(['network', 'create', '--subnet', subnet, 'evnet']);
  await ok(['create', '--name', 'evc', '--label', 'team=x', '-v', 'evvol:/data', '--health-cmd', 'true', '--health-interval', '1s',
    'busybox', 'sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.2; done']);
  await ok(['start', 'evc']);
  for (let i = 0; i < 100; i++) {
    if ((await ok(['inspect', '-f', '{{.State.Health.Status}}', 'evc'])).trim() === 'healthy') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await ok(['network', 'connect', 'evnet', 'evc']);
  await ok(['exec', 'evc', 'true']);
  await ok(['rename', 'evc', 'evc2']);
  await ok(['top', 'evc2']);
  await ok(['cp', 'evc2:/etc/hostname', join(tmp, 'hostname')]);
  writeFileSync(join(tmp, 'in.txt'), 'in\n');
  await ok(['cp', join(tmp, 'in.txt'), 'evc2:/tmp/']);
  await ok(['pause', 'evc2']);
  await ok(['unpause', 'evc2']);
  await ok(['update', '--cpu-shares', '512', 'evc2']);
  await ok(['network', 'disconnect', 'evnet', 'evc2']);
  await ok(['kill', '-s', 'TERM', 'evc2']);
  await ok(['wait', 'evc2']);
  await ok(['commit', '-m', 'evmsg', 'evc2', 'evimg:1']);
  await ok(['export', '-o', join(tmp, 'export.tar'), 'evc2']);
  await ok(['rm', 'evc2']);
  await ok(['rmi', 'evimg:1']);
  await ok(['volume', 'rm', 'evvol']);
  await ok(['network', 'rm', 'evnet']);
  await ok(['container', 'prune', '-f']);
  await ok(['network', 'prune', '-f']);
  await ok(['volume', 'prune', '-f']);
  await ok(['image', 'prune', '-f']);
  await ok(['save', '-o', join(tmp, 'save.tar'), 'busybox']);
  await ok(['load', '-i', join(tmp, 'save.tar')]);
}

async function eventsBetween(d: { api: TestDaemon['api'] }, since: number, until: number): Promise<Ev[]> {
  const r = await d.api('GET', `/events?since=${since}&until=${until}`);
  assert.equal(r.status, 200);
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);
}

/** "Type Action" → the attribute key sets seen and the compared values seen */
function summarize(evs: Ev[]): Map<string, { keys: Set<string>; values: Set<string> }> {
  const out = new Map<string, { keys: Set<string>; values: Set<string> }>();
  // health probes run on their own clock: how many ran, and under which name, is timing; their keys still count
  const probeExecs = new Set(evs.filter((e) => e.Action === `exec_create: ${PROBE}`).map((e) => e.Actor.Attributes.execID));
  const timed = (e: Ev) => e.Action.startsWith('health_status') || probeExecs.has(e.Actor.Attributes.execID ?? '');
  for (const e of evs) {
    // the command of exec events is part of the action: compared on its own below
    const action = e.Action.replace(/^(exec_create|exec_start): .*$/, '$1');
    const k = `${e.Type} ${action}`;
    const s = out.get(k) ?? { keys: new Set(), values: new Set() };
    out.set(k, s);
    for (const a of Object.keys(e.Actor.Attributes)) s.keys.add(a);
    if (!timed(e)) for (const a of SAME_VALUES[e.Type] ?? []) if (a in e.Actor.Attributes) s.values.add(`${a}=${e.Actor.Attributes[a]}`);
  }
  return out;
}

test('events: the same actions give dockerd\'s events with dockerd\'s attributes', { skip: dockerdMissing() || (!existsSync(REGISTRY) && 'docker-registry not installed'), timeout: 600_000 }, async (t) => {
  const berth = await startDaemon();
  t.after(() => berth.cleanup());
  const pulled = await berth.api('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pulled.status, 200);
  const dockerd = await startDockerd({ netns: berth.netns });
  t.after(() => dockerd.cleanup());
  await dockerd.loadImages(berth.socket, ['busybox:latest']);
  const tmp = mkdtempSync('/tmp/bt-events-');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  writeFileSync(join(tmp, 'registry.yml'), ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(tmp, 'reg')}`,
    '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${PORT}`, ''].join('\n'));
  const peers: ChildProcess[] = [];
  t.after(() => { for (const p of peers) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });
  await startPeer(berth.netns, [REGISTRY, 'serve', join(tmp, 'registry.yml')], peers);

  const run = async (name: string, cli: (args: string[]) => Promise<RunResult>, d: { api: TestDaemon['api'] }, subnet: string) => {
    const since = Date.now() / 1000;
    const dir = join(tmp, name);
    mkdirSync(dir);
    await actions(cli, dir, subnet);
    await new Promise((r) => setTimeout(r, 300));
    const until = Date.now() / 1000;
    return eventsBetween(d, since, until);
  };
  const dEvents = await run('dockerd', (a) => dockerd.docker(a, { timeoutMs: 120_000 }), dockerd, '10.201.0.0/24');
  const bEvents = await run('berth', (a) => berth.berth(a, { timeoutMs: 120_000 }), berth, '10.202.0.0/24');
  const ds = summarize(dEvents);
  const bs = summarize(bEvents);
  const problems: string[] = [];
  for (const [k, d] of ds) {
    const b = bs.get(k);
    if (!b) { if (!ONLY_DOCKERD.has(k)) problems.push(`${k}: dockerd only (${[...d.keys].sort().join(',')})`); continue; }
    const want = new Set([...d.keys, ...(EXTRA_KEYS[k] ?? [])].filter((x) => !(MISSING_KEYS[k] ?? []).includes(x)));
    const wantS = [...want].sort().join(',');
    const gotS = [...b.keys].sort().join(',');
    if (wantS !== gotS) problems.push(`${k}: keys dockerd ${wantS} / berth ${gotS}`);
    const dv = [...d.values].sort().join(' ');
    const bv = [...b.values].sort().join(' ');
    if (dv !== bv) problems.push(`${k}: values dockerd ${dv} / berth ${bv}`);
  }
  for (const k of bs.keys()) if (!ds.has(k) && !ONLY_BERTH.has(k)) problems.push(`${k}: berth only (${[...bs.get(k)!.keys].sort().join(',')})`);
  // the commands of exec events are part of their actions: the same text on both
  const execActions = (evs: Ev[]) => [...new Set(evs.filter((e) => /^exec_(create|start)/.test(e.Action)).map((e) => e.Action))].sort();
  if (JSON.stringify(execActions(dEvents)) !== JSON.stringify(execActions(bEvents))) {
    problems.push(`exec actions: dockerd ${JSON.stringify(execActions(dEvents))} / berth ${JSON.stringify(execActions(bEvents))}`);
  }
  // the order of the container's life matches
  const life = (evs: Ev[]) => evs.filter((e) => e.Type === 'container' && ['create', 'start', 'kill', 'die', 'destroy'].includes(e.Action)).map((e) => e.Action);
  assert.deepEqual(life(bEvents), life(dEvents));
  if (problems.length) t.diagnostic(`dockerd: ${dEvents.map((e) => `${e.Type} ${e.Action} ${JSON.stringify(e.Actor.Attributes)}`).join('\n')}`);
  assert.deepEqual(problems, []);
});
