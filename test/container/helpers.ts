import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enginePaths, type EnginePaths } from '../../src/common/paths.js';
import { run } from '../../src/common/exec.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { ContentStore } from '../../src/store/content.js';
import { EventLog, type EngineEvent } from '../../src/events/events.js';
import { LayerStore } from '../../src/snapshot/layer-store.js';
import { SnapshotStore } from '../../src/snapshot/overlay.js';
import { mountsBelow } from '../../src/snapshot/mounts.js';
import { ImageStore } from '../../src/image/image-store.js';
import { OciRuntime, prepareHostForCrun } from '../../src/runtime/index.js';
import { ContainerManager } from '../../src/container/manager.js';
import type { LogEntry } from '../../src/container/log-entry.js';

export interface Env {
  dir: string; paths: EnginePaths; db: Db; events: EventLog; images: ImageStore; layers: LayerStore; snapshots: SnapshotStore;
  runtimes: Record<string, OciRuntime>; mgr: ContainerManager; seen: EngineEvent[];
  /** a second manager on the same root (a daemon restart) */
  reopen(): ContainerManager;
}

type T = { after: (fn: () => Promise<void> | void) => void };

/** A whole engine in a temp root; everything it starts is removed after the test. */
export async function containerEnv(t: T): Promise<Env> {
  const prep = await prepareHostForCrun({ allowFix: true });
  if (!prep.ok) throw new Error(`crun cannot run here: ${prep.message}`);
  const dir = await mkdtemp(join(tmpdir(), 'berth-ctr-'));
  const paths = enginePaths(join(dir, 'root'), join(dir, 'run'));
  const db = openDatabase(paths.db);
  const content = new ContentStore(paths.content);
  const events = new EventLog(db);
  const seen: EngineEvent[] = [];
  events.on('event', (e: EngineEvent) => seen.push(e));
  const layers = new LayerStore(db, paths);
  const snapshots = new SnapshotStore(db, paths, layers);
  const images = new ImageStore(db, content, layers, events);
  const runtimes = { crun: new OciRuntime({ name: 'crun', path: '/usr/bin/crun', root: join(paths.runtimeRoot, 'crun') }) };
  const managers: ContainerManager[] = [];
  const make = () => {
    const m = new ContainerManager({ db, paths, images, layers, snapshots, events, runtimes, defaultRuntime: 'crun' });
    managers.push(m);
    return m;
  };
  const mgr = make();
  t.after(async () => {
    const last = managers[managers.length - 1];
    for (const s of last.list({ all: true })) await last.remove(s.Id, { force: true }).catch(() => undefined);
    for (const m of managers) await m.shutdown();
    // conmon processes this test started (their pid files), then the runtime's leftovers
    const conmonDir = paths.conmonDir;
    if (existsSync(conmonDir)) {
      for (const d of readdirSync(conmonDir)) {
        const pf = join(conmonDir, d, 'conmon.pid');
        if (existsSync(pf)) { const pid = Number(readFileSync(pf, 'utf8')); if (pid > 0) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } } }
      }
    }
    const rtRoot = join(paths.runtimeRoot, 'crun');
    if (existsSync(rtRoot)) for (const id of readdirSync(rtRoot)) await run('/usr/bin/crun', ['--root', rtRoot, 'delete', '--force', id]).catch(() => undefined);
    for (const mp of await mountsBelow(dir)) await run('umount', ['-l', mp]).catch(() => undefined);
    db.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, paths, db, events, images, layers, snapshots, runtimes, mgr, seen, reopen: make };
}

export async function collectLogs(it: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

export function text(entries: LogEntry[], stream?: 'stdout' | 'stderr'): string {
  return Buffer.concat(entries.filter((e) => !stream || e.stream === stream).map((e) => e.data)).toString();
}

/** Reject after ms: every wait in these tests is bounded. */
export function within<X>(p: Promise<X>, ms: number, what: string): Promise<X> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<X>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Holds the next call of obj[method] for one container (when `when` holds) until released: for tests of
 * what happens while a runtime or snapshot step is in flight. `finished` resolves when the held call ends.
 */
export function gate(obj: object, method: string, id: string, when: () => boolean) {
  const target = obj as Record<string, (...a: any[]) => Promise<unknown>>;
  const orig = target[method].bind(obj);
  let entered!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((r) => { entered = r; });
  const released = new Promise<void>((r) => { release = r; });
  let finish!: () => void;
  const finished = new Promise<void>((r) => { finish = r; });
  let armed = true;
  target[method] = async (cid: string, ...rest: any[]) => {
    if (armed && cid === id && when()) {
      armed = false;
      entered();
      try {
        await within(released, 30_000, `release of the gated ${method}`);
        return await orig(cid, ...rest);
      } finally { finish(); }
    }
    return orig(cid, ...rest);
  };
  return { reached, release, finished, restore: () => { target[method] = orig; } };
}
