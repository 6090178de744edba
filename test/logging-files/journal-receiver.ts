/**
 * A stand-in for journald in tests: a unix datagram socket that takes the native protocol and feeds
 * each datagram, as one entry of the Journal Export Format, to `systemd-journal-remote -o <file> -`;
 * `entries()` stops it and reads the journal file back with `journalctl --file … -o json`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';

interface DgramWrap { init(self: object): void; bind(path: string): void; startRecv(): void; close(): void }

export interface JournalReceiver {
  socket: string;
  /** datagrams received so far */
  count(): number;
  /** stop receiving and return the journal's entries (journalctl -o json, one object each) */
  entries(): Promise<Array<Record<string, unknown>>>;
  cleanup(): void;
}

export function startJournalReceiver(): JournalReceiver {
  const dir = mkdtempSync('/tmp/bt-journal-');
  const socket = join(dir, 'socket');
  const out = join(dir, 'out.journal');
  const remote: ChildProcess = spawn(JOURNAL_REMOTE, ['--output', out, '--compress=no', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  remote.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<number>((r) => remote.on('close', (c) => r(c ?? 1)));
  const { DgramSocketWrap } = createRequire(import.meta.url)('node-unix-socket-linux-x64-gnu') as { DgramSocketWrap: new (e: object) => DgramWrap };
  const events = new EventEmitter();
  const wrap = new DgramSocketWrap({ emit: events.emit.bind(events) });
  wrap.init(wrap);
  wrap.bind(socket);
  wrap.startRecv();
  let n = 0;
  events.on('_data', (buf: Buffer) => {
    n++;
    // the native protocol's fields are the export format's; an entry ends with an empty line
    const body = buf[buf.length - 1] === 0x0a ? buf : Buffer.concat([buf, Buffer.from('\n')]);
    remote.stdin!.write(Buffer.concat([Buffer.from(`__REALTIME_TIMESTAMP=${Date.now() * 1000}\n`), body, Buffer.from('\n')]));
  });
  let closed = false;
  const stop = () => { if (!closed) { closed = true; setImmediate(() => wrap.close()); } };
  return {
    socket,
    count: () => n,
    async entries() {
      stop();
      remote.stdin!.end();
      const timer = setTimeout(() => remote.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`systemd-journal-remote exited ${code}: ${stderr}`);
      const r = spawnSync('journalctl', ['--file', out, '-o', 'json', '--no-pager', '--all'], { encoding: 'utf8', timeout: 20_000 });
      if (r.status !== 0) throw new Error(`journalctl: ${r.stderr}`);
      return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    cleanup() { stop(); if (remote.exitCode === null) remote.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); },
  };
}
