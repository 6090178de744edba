/**
 * What a CLI asks the daemon for, and when: the berth CLI and the docker CLI (the peer) run `version`,
 * `run --rm --network none busybox true`, `exec` and `stop` against one test daemon through a logging
 * unix-socket proxy, interleaved; the phases (first request, create → start, last answer → exit, ...)
 * are printed as wall-ms medians. A manual probe for issue 27 (docs/performance.md, section cli), not
 * one of the bench's cases:
 *
 *   unshare --net -- node --import tsx bench/probes/cli-requests.ts
 *
 * Env: ROUNDS (default 10); CLIS=name=path,... (default this build's bin/berth and /usr/local/bin/docker;
 * a name starting with "docker" is run with DOCKER_HOST, any other with -H and BERTH_NO_AUTOSTART=1).
 * The proxy keeps allowHalfOpen: without it the docker CLI's half-close after a 101 (it has no stdin)
 * would close the stream at once.
 */
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN, startDaemon } from '../../test/helpers/daemon.js';

interface Event { t: number; conn: number; kind: 'req' | 'resp' | 'clientData' | 'serverData' | 'clientEnd' | 'serverEnd'; line: string }

const COMMANDS = ['version', 'run', 'exec', 'stop'] as const;
type CommandName = typeof COMMANDS[number];

function argsOf(cmd: CommandName, stopTarget: string): string[] {
  switch (cmd) {
    case 'version': return ['version'];
    case 'run': return ['run', '--rm', '--network', 'none', 'busybox', 'true'];
    case 'exec': return ['exec', 'live', 'true'];
    case 'stop': return ['stop', stopTarget];
  }
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The phases of one command's trace, in ms from the client's spawn (undefined when a phase did not happen). */
function phasesOf(cmd: CommandName, evs: Event[], exit: number): Record<string, number | undefined> {
  const first = (pred: (e: Event) => boolean) => evs.find(pred)?.t;
  const connOf = (text: string) => evs.find((e) => e.kind === 'req' && e.line.includes(text))?.conn;
  const firstReq = first((e) => e.kind === 'req' && !e.line.includes('/_ping'));
  const lastAnswer = [...evs].reverse().find((e) => e.kind === 'resp' || e.kind === 'serverData' || e.kind === 'serverEnd')?.t;
  const out: Record<string, number | undefined> = {
    'first request (not _ping)': firstReq,
    'first request -> last answer': lastAnswer !== undefined && firstReq !== undefined ? lastAnswer - firstReq : undefined,
    'last answer -> exit': lastAnswer !== undefined ? exit - lastAnswer : undefined,
    exit,
  };
  const diff = (a?: number, b?: number) => (a !== undefined && b !== undefined ? b - a : undefined);
  if (cmd === 'run') {
    const created = first((e) => e.kind === 'resp' && e.line.includes(' 201 '));
    const started = first((e) => e.kind === 'resp' && e.line.includes(' 204 '));
    const attach = connOf('/attach');
    const wait = connOf('/wait');
    const attachEnd = first((e) => e.kind === 'serverEnd' && e.conn === attach);
    out['create 201 -> attach sent'] = diff(created, first((e) => e.kind === 'req' && e.line.includes('/attach')));
    out['create 201 -> start sent'] = diff(created, first((e) => e.kind === 'req' && e.line.includes('/start')));
    out['start sent -> 204'] = diff(first((e) => e.kind === 'req' && e.line.includes('/start')), started);
    out['204 -> attach stream end'] = diff(started, attachEnd);
    out['attach end -> wait answer'] = diff(attachEnd, first((e) => e.kind === 'serverData' && e.conn === wait));
  }
  if (cmd === 'exec') {
    const startConn = connOf('/start');
    const upgraded = first((e) => e.kind === 'resp' && e.line.includes(' 101 '));
    const streamEnd = first((e) => e.kind === 'serverEnd' && e.conn === startConn);
    out['exec 201 -> start sent'] = diff(first((e) => e.kind === 'resp' && e.line.includes(' 201 ')), first((e) => e.kind === 'req' && e.line.includes('/start')));
    out['101 -> stream end'] = diff(upgraded, streamEnd);
    out['stream end -> exec json sent'] = diff(streamEnd, first((e) => e.kind === 'req' && e.line.includes('/exec/') && e.line.includes('/json')));
  }
  return out;
}

async function main(): Promise<void> {
  const clis = (process.env.CLIS ?? `berth=${BERTH_BIN},docker=/usr/local/bin/docker`).split(',').map((s) => s.split('=') as [string, string]);
  const rounds = Number(process.env.ROUNDS ?? 10);
  const d = await startDaemon();
  const dir = mkdtempSync('/tmp/cli-requests-');
  const proxySocket = join(dir, 'proxy.sock');
  let t0 = 0n;
  let evs: Event[] = [];
  let conns = 0;
  const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const conn = ++conns;
    const daemon = net.connect({ path: d.socket, allowHalfOpen: true });
    const firstLine = (b: Buffer) => b.toString('latin1').split('\r\n')[0];
    client.on('data', (b: Buffer) => {
      const line = firstLine(b);
      evs.push({ t: now(), conn, kind: /^(GET|POST|HEAD|PUT|DELETE) /.test(line) ? 'req' : 'clientData', line });
      daemon.write(b);
    });
    daemon.on('data', (b: Buffer) => {
      const line = firstLine(b);
      evs.push({ t: now(), conn, kind: line.startsWith('HTTP/') ? 'resp' : 'serverData', line });
      client.write(b);
    });
    client.on('end', () => { evs.push({ t: now(), conn, kind: 'clientEnd', line: '' }); daemon.end(); });
    daemon.on('end', () => { evs.push({ t: now(), conn, kind: 'serverEnd', line: '' }); client.end(); });
    client.on('error', () => daemon.destroy());
    daemon.on('error', () => client.destroy());
    client.on('close', () => daemon.destroy());
    daemon.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(proxySocket, r));
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_NO_AUTOSTART: '1', DOCKER_HOST: `unix://${proxySocket}`, DOCKER_CONFIG: dir };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_TEST_CONTEXT;
  const runOnce = (bin: string, args: string[]) => new Promise<{ code: number | null; exit: number }>((resolve, reject) => {
    evs = [];
    t0 = process.hrtime.bigint();
    const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${bin} ${args.join(' ')} timed out`)); }, 60_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, exit: now() }); });
  });
  const stats: Record<string, Record<string, number[]>> = {};
  let stops = 0;
  try {
    await d.ok(['pull', 'busybox']);
    await d.ok(['run', '-d', '--name', 'live', '--network', 'none', 'busybox', 'sleep', '3600']);
    for (let round = 0; round < rounds; round++) {
      for (const cmd of COMMANDS) {
        for (const [name, bin] of clis) {
          const target = `stop-${++stops}`;
          if (cmd === 'stop') await d.ok(['run', '-d', '--name', target, '--network', 'none', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']);
          const args = name.startsWith('docker') ? argsOf(cmd, target) : ['-H', `unix://${proxySocket}`, ...argsOf(cmd, target)];
          const { code, exit } = await runOnce(bin, args);
          if (code !== 0) throw new Error(`${name} ${cmd} exited ${code}`);
          if (round === 0) console.log(`${name} ${cmd}: ${evs.filter((e) => e.kind === 'req').map((e) => e.line.replace(/ HTTP\/1\.1$/, '').replace(/[0-9a-f]{64}/g, '<id>').replace(/\?.*/, '')).join('; ')}`);
          for (const [phase, v] of Object.entries(phasesOf(cmd, evs, exit))) if (v !== undefined) ((stats[`${cmd} ${name}`] ??= {})[phase] ??= []).push(v);
        }
      }
    }
  } finally {
    server.close();
    await d.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const cmd of COMMANDS) {
    const keys = clis.map(([name]) => `${cmd} ${name}`);
    console.log(`\n${cmd} (wall ms, medians of ${rounds})`.padEnd(40) + clis.map(([name]) => name.padStart(10)).join(''));
    for (const phase of Object.keys(stats[keys[0]] ?? {})) {
      console.log(`  ${phase}`.padEnd(40) + keys.map((k) => (stats[k]?.[phase] ? median(stats[k][phase]).toFixed(1) : '-').padStart(10)).join(''));
    }
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
