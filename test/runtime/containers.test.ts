import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSpec, buildProcess, writeBundle, startContainerMonitor, startExecMonitor, OciRuntime, findRuntime, prepareHostForCrun,
  waitExitFile, readExitFile, readLogFile, attachConmon, resizeConmon, decodeCapMask,
  type SpecInput, type MonitorResult, type AttachStream,
} from '../../src/runtime/index.js';
import { run } from '../../src/common/exec.js';
import { makeBusyboxRootfs, shortTempDir, removeDir } from './helpers.js';

const WAIT = { timeoutMs: 20_000 };

function logText(path: string, stream?: 'stdout' | 'stderr'): string {
  return readLogFile(path).filter((l) => !stream || l.stream === stream).map((l) => l.data.toString()).join('');
}

function collect(a: AttachStream): { text: () => string; ended: Promise<void> } {
  let out = '';
  a.onOutput((_s, d) => { out += d.toString(); });
  const ended = new Promise<void>((r) => a.onEnd(r));
  return { text: () => out, ended };
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

for (const runtimeName of ['crun', 'runc'] as const) {
  describe(`containers with conmon + ${runtimeName}`, () => {
    let dir = '';
    let rootfs = '';
    let rt: OciRuntime;
    const started: Array<{ id: string; conmonPid: number }> = [];
    let seq = 0;

    before(async () => {
      if (runtimeName === 'crun') {
        const r = await prepareHostForCrun({ allowFix: true });
        assert.ok(r.ok, r.message);
      }
      dir = await shortTempDir(`b${runtimeName[0]}`);
      rootfs = makeBusyboxRootfs(dir);
      rt = new OciRuntime(findRuntime(runtimeName, join(dir, 'rt')));
    });

    after(async () => {
      for (const c of started) {
        await rt.delete(c.id, true).catch(() => {});
        if (c.conmonPid > 0 && alive(c.conmonPid)) { try { process.kill(c.conmonPid, 'SIGKILL'); } catch { /* gone */ } }
      }
      if (dir) await removeDir(dir);
    });

    async function create(input: Omit<SpecInput, 'id' | 'rootfs'>, mon: { terminal?: boolean; stdin?: boolean } = {}): Promise<{ id: string; res: MonitorResult; log: string; bundle: string }> {
      const id = `t${runtimeName[0]}${++seq}`;
      const bundle = join(dir, id);
      const { spec } = buildSpec({ id, rootfs, ...input, terminal: mon.terminal });
      await writeBundle(bundle, spec);
      const monDir = join(dir, 'm', id);
      mkdirSync(monDir, { recursive: true });
      const log = join(bundle, 'ctr.log');
      const res = await startContainerMonitor({ id, bundle, runtime: rt.info, dir: monDir, logPath: log, ...mon });
      started.push({ id, conmonPid: res.conmonPid });
      return { id, res, log, bundle };
    }

    test('echo hello: created, started, logged, exit 0; conmon is a separate session', async () => {
      const c = await create({ args: ['sh', '-c', 'echo hello; echo oops >&2'] });
      assert.ok(c.res.pid > 0 && c.res.conmonPid > 0);
      const st = await rt.state(c.id);
      assert.equal(st?.status, 'created');
      assert.equal(st?.pid, c.res.pid);
      // conmon runs in its own session, not as a child of the test process
      const stat = readFileSync(`/proc/${c.res.conmonPid}/stat`, 'utf8').split(') ')[1].split(' ');
      assert.notEqual(Number(stat[1]), process.pid, 'parent is not the daemon');
      assert.equal(Number(stat[3]), c.res.conmonPid, 'conmon leads its own session');
      await rt.start(c.id);
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 0);
      assert.equal(logText(c.log, 'stdout'), 'hello\n');
      assert.equal(logText(c.log, 'stderr'), 'oops\n');
      assert.equal((await rt.state(c.id))?.status, 'stopped');
      await rt.delete(c.id);
      assert.equal(await rt.state(c.id), null);
    });

    test('the container and conmon outlive the process that started them', async () => {
      const id = `t${runtimeName[0]}${++seq}`;
      const monDir = join(dir, 'm', id);
      mkdirSync(monDir, { recursive: true });
      const script = new URL('./fixtures/start-and-exit.ts', import.meta.url).pathname;
      const r = await run(process.execPath, ['--import', 'tsx', script, runtimeName, rt.info.root, id, rootfs, join(dir, id), monDir], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout);
      started.push({ id, conmonPid: info.conmonPid });
      assert.ok(alive(info.conmonPid), 'conmon still runs');
      assert.equal((await rt.state(id))?.status, 'running');
      await rt.kill(id, 'KILL');
      assert.equal(await waitExitFile(info.exitFile, WAIT), 137);
    });

    test('exit code is passed through', async () => {
      const c = await create({ args: ['sh', '-c', 'exit 3'] });
      await rt.start(c.id);
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 3);
    });

    test('a command that does not exist fails at create with a clear error', async () => {
      await assert.rejects(create({ args: ['/nonexistent'] }), (e: any) => {
        assert.match(e.message, /nonexistent/);
        assert.equal(e.exitCode, 127);
        return true;
      });
    });

    test('SIGKILL stops a PID 1 that ignores SIGTERM (exit 137); pause and resume', async () => {
      const c = await create({ args: ['sleep', '1000'] });
      await rt.start(c.id);
      assert.equal((await rt.state(c.id))?.status, 'running');
      await rt.pause(c.id);
      assert.equal((await rt.state(c.id))?.status, 'paused');
      await rt.resume(c.id);
      assert.equal((await rt.state(c.id))?.status, 'running');
      await rt.kill(c.id, 'TERM'); // ignored by busybox sleep as PID 1
      assert.equal(readExitFile(c.res.paths.exitFile), null);
      await rt.kill(c.id, 'KILL');
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 137);
      await waitFor('conmon to exit', () => !alive(c.res.conmonPid));
    });

    test('attach: stdin to cat comes back on stdout; closing stdin ends cat', async () => {
      const c = await create({ args: ['cat'] }, { stdin: true });
      const a = await attachConmon(c.res.paths.attachSocket);
      const out = collect(a);
      await rt.start(c.id);
      a.write(Buffer.from('ping\n'));
      await waitFor('echo from cat', () => out.text().includes('ping\n'));
      a.closeStdin();
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 0);
      assert.equal(logText(c.log), 'ping\n');
      a.close();
    });

    test('terminal: the process has a tty, and resize reaches it', async () => {
      const c = await create({ args: ['sh'] }, { terminal: true, stdin: true });
      const a = await attachConmon(c.res.paths.attachSocket);
      const out = collect(a);
      await rt.start(c.id);
      // markers are computed so the terminal's echo of the input cannot match them
      a.write(Buffer.from('tty; test -t 0 && echo IS-A-TTY-$((40+2))\n'));
      await waitFor('tty output', () => out.text().includes('IS-A-TTY-42'));
      assert.match(out.text(), /\/dev\/pts\/\d+/);
      await resizeConmon(c.res.paths.ctlFifo, 33, 101);
      await waitFor('stty size 33 101', async () => {
        if (out.text().includes('33 101')) return true;
        a.write(Buffer.from('stty size\n')); // the echo is "stty size", the answer "33 101"
        await new Promise((r) => setTimeout(r, 100));
        return out.text().includes('33 101');
      });
      a.write(Buffer.from('exit 7\n'));
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 7);
      a.close();
    });

    test('exec: exit code, tty with attach, stdin', async () => {
      const c = await create({ args: ['sleep', '1000'] });
      await rt.start(c.id);
      const base: SpecInput = { id: c.id, rootfs, args: ['sh', '-c', 'echo from-exec; exit 5'] };
      const e1dir = join(dir, 'm', `${c.id}x1`);
      mkdirSync(e1dir, { recursive: true });
      const e1 = await startExecMonitor({ id: c.id, execId: 'x1', runtime: rt.info, process: buildProcess(base).process, dir: e1dir });
      assert.equal(await waitExitFile(e1.paths.exitFile, WAIT), 5);
      assert.equal(logText(e1.paths.logPath), 'from-exec\n');

      const e2dir = join(dir, 'm', `${c.id}x2`);
      mkdirSync(e2dir, { recursive: true });
      const e2 = await startExecMonitor({
        id: c.id, execId: 'x2', runtime: rt.info, dir: e2dir, terminal: true, attach: true,
        process: buildProcess({ ...base, args: ['sh', '-c', 'tty; exit 4'], terminal: true }).process,
      });
      assert.ok(e2.attach);
      const out2 = collect(e2.attach!);
      assert.equal(await waitExitFile(e2.paths.exitFile, WAIT), 4);
      await Promise.race([out2.ended, new Promise((r) => setTimeout(r, 5000))]);
      assert.match(out2.text() + logText(e2.paths.logPath), /\/dev\/pts\/\d+/);
      e2.attach!.close();

      const e3dir = join(dir, 'm', `${c.id}x3`);
      mkdirSync(e3dir, { recursive: true });
      const e3 = await startExecMonitor({
        id: c.id, execId: 'x3', runtime: rt.info, dir: e3dir, stdin: true, attach: true,
        process: buildProcess({ ...base, args: ['cat'] }).process,
      });
      const out3 = collect(e3.attach!);
      e3.attach!.write(Buffer.from('exec-stdin\n'));
      await waitFor('cat echo in exec', () => out3.text().includes('exec-stdin\n'));
      e3.attach!.closeStdin();
      assert.equal(await waitExitFile(e3.paths.exitFile, WAIT), 0);
      e3.attach!.close();
      await rt.kill(c.id, 'KILL');
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 137);
    });

    test('security: default caps lack CAP_SYS_ADMIN, seccomp filter is active, rlimits clamped, user applied', async () => {
      const c = await create({
        args: ['sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status; echo "nofile $(ulimit -n) $(ulimit -Hn)"; id -u; id -g; hostname'],
        ulimits: [{ Name: 'nofile', Soft: 1_000_000, Hard: 2_000_000 }], user: { uid: 1000, gid: 1000 }, hostname: 'boxy',
      });
      await rt.start(c.id);
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 0);
      const text = logText(c.log);
      // uid 1000 has an empty effective set; check the bounding set via root too below
      assert.match(text, /Seccomp:\s+2/);
      const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
      assert.match(text, new RegExp(`nofile ${hard} ${hard}`));
      assert.match(text, /\n1000\n1000\nboxy\n/);

      const r = await create({ args: ['grep', 'CapEff', '/proc/self/status'] });
      await rt.start(r.id);
      assert.equal(await waitExitFile(r.res.paths.exitFile, WAIT), 0);
      const capEff = decodeCapMask(/CapEff:\s+([0-9a-f]+)/.exec(logText(r.log))![1]);
      assert.ok(capEff.has('CAP_CHOWN') && capEff.has('CAP_NET_BIND_SERVICE'));
      assert.ok(!capEff.has('CAP_SYS_ADMIN'));
      assert.ok(!capEff.has('CAP_NET_ADMIN'));
    });

    test('init: catatonit runs as PID 1 and reaps; the command still gets its exit code', async () => {
      const c = await create({ args: ['sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; exit 6'], init: true });
      await rt.start(c.id);
      assert.equal(await waitExitFile(c.res.paths.exitFile, WAIT), 6);
      assert.match(logText(c.log), /^\/dev\/init -- sh/);
    });
  });
}
