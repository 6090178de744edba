import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, within, until } from './helpers.js';
import type { AttachIO } from '../../src/container/manager.js';

function collect(io: AttachIO): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = []; const err: Buffer[] = [];
  io.onOutput((s, d) => (s === 'stdout' ? out : err).push(d));
  return new Promise((resolve) => io.onEnd(() => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })));
}

test('exec: attached output and exit code, detached, inspect, events', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await mgr.start(Id);
  const { Id: execId } = await mgr.execCreate(Id, { Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 7'], AttachStdout: true, AttachStderr: true });
  assert.equal(mgr.execInspect(execId).Running, false);
  assert.equal(mgr.execInspect(execId).ExitCode, null);
  const io = await mgr.execStart(execId, {});
  assert.ok(io);
  const got = await within(collect(io!), 20_000, 'exec output');
  assert.equal(got.stdout, 'out\n');
  assert.equal(got.stderr, 'err\n');
  assert.equal(await within(mgr.waitExec(execId), 20_000, 'exec exit'), 7);
  const ins = mgr.execInspect(execId);
  assert.equal(ins.ExitCode, 7);
  assert.equal(ins.Running, false);
  assert.equal(ins.ContainerID, Id);
  assert.equal(ins.ProcessConfig.entrypoint, 'sh');
  assert.ok(mgr.inspect(Id).ExecIDs!.includes(execId));

  // detached exec writing into the container's file system, then user/env/workdir
  const d = await mgr.execCreate(Id, { Cmd: ['sh', '-c', 'echo made > /tmp/made'] });
  assert.equal(await mgr.execStart(d.Id, { Detach: true }), null);
  assert.equal(await within(mgr.waitExec(d.Id), 20_000, 'detached exec'), 0);
  const e = await mgr.execCreate(Id, { Cmd: ['sh', '-c', 'cat /tmp/made; id -u; echo $FOO; pwd'], User: 'nobody', Env: ['FOO=bar'], WorkingDir: '/tmp', AttachStdout: true });
  const out = await within(collect((await mgr.execStart(e.Id, {}))!), 20_000, 'exec 3');
  assert.equal(out.stdout, 'made\n65534\nbar\n/tmp\n');
  const actions = env.seen.filter((x) => x.Actor.ID === Id).map((x) => x.Action);
  assert.ok(actions.includes("exec_create: sh -c echo out; echo err >&2; exit 7"));
  assert.ok(actions.includes("exec_start: sh -c echo out; echo err >&2; exit 7"));
  assert.ok(env.seen.some((x) => x.Action === 'exec_die' && x.Actor.Attributes.execID === execId && x.Actor.Attributes.exitCode === '7'));
  await assert.rejects(mgr.execStart(execId, {}), { status: 409 });
  assert.throws(() => mgr.execInspect('nope'), { status: 404 });
});

test('attach before start gets all output and sends stdin', async (t) => {
  const { mgr } = await containerEnv(t);
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo started; read line; echo got:$line; exit 4'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true });
  const io = await mgr.attach(Id, { stdin: true, stdout: true, stderr: true });
  const done = collect(io);
  const waiting = mgr.wait(Id, 'next-exit');
  await mgr.start(Id);
  io.write(Buffer.from('hello\n'));
  const got = await within(done, 20_000, 'attach output');
  assert.equal(got.stdout, 'started\ngot:hello\n');
  assert.equal((await within(waiting, 20_000, 'exit')).StatusCode, 4);
});

test('attach to a running tty container and resize it', async (t) => {
  const { mgr } = await containerEnv(t);
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh'], Tty: true, OpenStdin: true });
  await mgr.start(Id);
  const io = await mgr.attach(Id, { stdin: true, stdout: true });
  const chunks: Buffer[] = [];
  io.onOutput((_s, d) => chunks.push(d));
  await mgr.resize(Id, 40, 100);
  io.write(Buffer.from('stty size\n'));
  await until(() => Buffer.concat(chunks).toString().includes('40 100'), 20_000, 'stty output');
  io.close();
  await within(mgr.kill(Id), 20_000, 'kill');
});

test('pause and unpause; top lists the processes', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await mgr.start(Id);
  // start returns once crun has released the container's init; its execve of the command can come a moment
  // later (runc and Docker are the same), so a loaded machine may still list `crun create` for it
  let top!: Awaited<ReturnType<typeof mgr.top>>;
  await until(async () => (top = await mgr.top(Id)).Processes[0]?.[7] === 'sleep 300', 5000, 'the command to replace crun in the container');
  assert.deepEqual(top.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.equal(top.Processes.length, 1);
  assert.equal(top.Processes[0][1], String(mgr.inspect(Id).State.Pid));
  assert.equal(top.Processes[0][7], 'sleep 300');
  const custom = await mgr.top(Id, '-o pid,comm');
  assert.deepEqual(custom.Titles, ['PID', 'COMMAND']);
  await mgr.pause(Id);
  let st = mgr.inspect(Id).State;
  assert.equal(st.Status, 'paused');
  assert.equal(st.Paused, true);
  await assert.rejects(mgr.pause(Id), { status: 409 });
  assert.match(mgr.list()[0].Status, /\(Paused\)$/);
  await mgr.unpause(Id);
  st = mgr.inspect(Id).State;
  assert.equal(st.Status, 'running');
  await assert.rejects(mgr.unpause(Id), { status: 409 });
  const actions = env.seen.filter((x) => x.Actor.ID === Id).map((x) => x.Action);
  assert.deepEqual(actions.slice(-2), ['pause', 'unpause']);
});
