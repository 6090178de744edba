/**
 * Docker's json-file log on disk. conmon writes only its k8s-file format, so the daemon converts
 * each container's k8s file into `<id>-json.log` incrementally: one converter per daemon, an
 * inotify watch per running container's file plus one poll timer for all of them (no process per
 * container). Where it stopped is kept in a sidecar file next to the log ({k8s offset, json size,
 * unfinished lines}) written after each appended batch, so a daemon killed at any moment resumes
 * exactly: json bytes past the recorded size were not committed and are cut off and redone, and what
 * conmon wrote while the daemon was down is converted at the next start.
 *
 * Rotation (max-size/max-file) happens here, on the json file the daemon writes anyway, not in conmon:
 * conmon's --log-size-max replaces its file with an empty one when full, which drops whatever the
 * daemon had not converted yet (and everything conmon writes while the daemon is down); a pipe from
 * conmon to the daemon would block or lose output while the daemon is down (live restore). So conmon
 * keeps appending to its k8s file, and the blocks of what has been converted are punched out of it
 * (fallocate, see common/punch-hole.ts), which bounds its disk use without moving any offset.
 * A rotation is recorded in the sidecar before the files are renamed, so a crash amid it is finished
 * at the next start instead of converting everything again.
 *
 * compress (json-file's option, on by default for `local`): the file rotated to `.1` is gzipped to
 * `.1.gz` off the conversion path (logging/gzip-file.ts, zlib on the thread pool); the next rotation
 * waits for it, as dockerd's does. A `local` container's file is `local-logs/container.log` in the
 * local driver's protobuf records (local-log-writer.ts) instead of json: Docker's layout for that driver.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { log } from '../common/log.js';
import { punchHole } from '../common/punch-hole.js';
import { compressLogFile } from '../logging/gzip-file.js';
import { LineJoiner, parseK8sRecord, type LineSink, type PendingLine } from './json-log-format.js';
import { jsonRecordTime, LocalRecordEncoder } from './local-log-writer.js';
import type { JsonFileRotation, LogFileFormat } from './log-config.js';

const POLL_MS = 1000;              // fallback for missed inotify events, and to notice exits
const READ_CHUNK = 1024 * 1024;    // bytes of k8s log converted per append
const PUNCH_EVERY = 256 * 1024;    // converted k8s bytes between two hole punches

/** jsonPath: the log file `logs` reads, in `format` (json unless said otherwise). */
export interface JsonLogFiles { k8sPath: string; jsonPath: string; statePath: string; rotation?: JsonFileRotation; format?: LogFileFormat }

interface SavedState {
  offset: number; jsonSize: number; pending?: Partial<Record<'stdout' | 'stderr', { time: string; data: string }>>;
  /** set while the json file is being rotated (offset and pending as before, jsonSize that of the file being rotated) */
  rotating?: boolean;
  /** time of the last record written (for the header of the file when it is compressed) */
  lastTime?: string;
}

interface Source {
  files: JsonLogFiles;
  offset: number;
  jsonSize: number;
  joiner: LineJoiner;
  loaded: boolean;
  /** sync calls run one after another per container */
  chain: Promise<void>;
  watcher?: FSWatcher;
  dirty: boolean;
  /** k8s bytes below this have been punched out (or punching does not work here: Infinity) */
  punched: number;
  /** set for the local format: json records become protobuf records as they are written */
  local?: LocalRecordEncoder;
  /** time of the last record written, for the header of the file when it is compressed */
  lastTime?: string;
  /** the compression of the last rotated file, under way */
  compressing?: Promise<void>;
  /** hands each line to the container's log driver, if it has one besides this file */
  sink?: LineSink;
}

export class JsonLogConverter {
  private readonly sources = new Map<string, Source>();
  /**
   * containers being removed: never converted again (ids are never reused). An id stays here until its
   * record is gone (`known`), from then on that check refuses it: this set does not grow per container.
   */
  private readonly gone = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  /**
   * isLive(id): the container may still write output (running or restarting); deliver: each converted
   * line to the container's log driver; known(id): the container still has a record (a removed one is
   * never converted again, so no late sync recreates its directory).
   */
  constructor(private readonly isLive: (id: string) => boolean, private readonly deliver?: (id: string) => LineSink | undefined,
    private readonly known?: (id: string) => boolean) {
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  /** A container started (or was found running): watch its k8s file. Cheap: no I/O beyond the watch. */
  track(id: string, files: JsonLogFiles): void {
    if (this.closed || this.removed(id)) return;
    const src = this.source(id, files);
    if (!src.watcher) {
      try {
        src.watcher = watch(files.k8sPath, () => this.kick(id));
        src.watcher.on('error', () => { src.watcher?.close(); src.watcher = undefined; });
        src.watcher.unref();
      } catch { /* not created yet: the poll timer covers it */ }
    }
  }

  /** Stop watching (the container is being removed); resolves once no conversion writes to its files any more. */
  async untrack(id: string): Promise<void> {
    // a sync queued after this (poll timer, exit handler) must not write into a directory being removed
    this.gone.add(id);
    const src = this.sources.get(id);
    if (!src) return;
    src.watcher?.close();
    this.sources.delete(id);
    await src.chain;
    await src.compressing;
  }

  /**
   * Convert everything conmon has written so far. With final (the container has exited) unfinished
   * lines are written out too, as Docker does when a container's output ends without a newline.
   */
  sync(id: string, files: JsonLogFiles, final = false): Promise<void> {
    if (this.removed(id)) return Promise.resolve();
    const src = this.source(id, files);
    const run = src.chain.then(() => this.convert(src, final));
    src.chain = run.catch((e) => log.warn('json-file log conversion failed', { container: id.slice(0, 12), error: (e as Error).message }));
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const pending = [...this.sources.values()].map((s) => { s.watcher?.close(); return s.chain.then(() => s.compressing); });
    await Promise.all(pending);
    this.sources.clear();
  }

  private source(id: string, files: JsonLogFiles): Source {
    let src = this.sources.get(id);
    if (!src) {
      src = { files, offset: 0, jsonSize: 0, joiner: new LineJoiner(), loaded: false, chain: Promise.resolve(), dirty: false, punched: 0,
        local: files.format === 'local' ? new LocalRecordEncoder() : undefined, sink: this.deliver?.(id) };
      this.sources.set(id, src);
    }
    return src;
  }

  /** An inotify event: coalesce bursts into one conversion at a time. */
  private kick(id: string): void {
    const src = this.sources.get(id);
    if (!src || src.dirty || this.closed) return;
    src.dirty = true;
    setImmediate(() => { src.dirty = false; void this.sync(id, src.files); });
  }

  private removed(id: string): boolean { return this.gone.has(id) || (this.known !== undefined && !this.known(id)); }

  private poll(): void {
    // a removed container's record is gone by now: `known` refuses it from here on
    if (this.known) for (const id of this.gone) if (!this.known(id)) this.gone.delete(id);
    for (const [id, src] of this.sources) {
      const live = this.isLive(id);
      // the usual case each second: a running container wrote nothing new
      if (live && upToDate(src)) continue;
      const forget = () => {
        // an exited (or removed) container's log is complete: stop watching it
        if (!live && !this.isLive(id)) { src.watcher?.close(); if (this.sources.get(id) === src) this.sources.delete(id); }
      };
      void this.sync(id, src.files, !live).then(forget, forget);
    }
  }

  private async load(src: Source): Promise<void> {
    await mkdir(dirname(src.files.jsonPath), { recursive: true });
    const saved = await readFile(src.files.statePath, 'utf8').then((t) => JSON.parse(t) as SavedState, () => null);
    const jsonSize = await stat(src.files.jsonPath).then((s) => s.size, () => -1);
    src.lastTime = saved?.lastTime;
    if (saved && jsonSize >= saved.jsonSize) {
      src.offset = saved.offset;
      src.jsonSize = saved.jsonSize;
      src.joiner = new LineJoiner(pendingOf(saved));
      // bytes appended after the last commit were not recorded as done: they are redone
      if (jsonSize > saved.jsonSize) await truncate(src.files.jsonPath, saved.jsonSize);
    } else if (saved?.rotating) {
      // the crash came after the file was renamed away (or truncated): the rotation is done but for the new file
      src.offset = saved.offset;
      src.jsonSize = 0;
      src.joiner = new LineJoiner(pendingOf(saved));
      await writeFile(src.files.jsonPath, '', { mode: 0o640, flag: 'a' });
      await this.saveState(src);
    } else {
      // first conversion (or a json file lost behind our back): from the start
      src.offset = 0;
      src.jsonSize = 0;
      src.joiner = new LineJoiner();
      await writeFile(src.files.jsonPath, '', { mode: 0o640 });
    }
    src.loaded = true;
    // the rename never happened: rotate now (rotate first finishes a compression the crash interrupted)
    if (saved?.rotating && jsonSize >= saved.jsonSize) await this.rotate(src);
    else await this.finishCompression(src);
  }

  /**
   * A `.1` left uncompressed (a daemon stopped amid its compression, or a compression that failed) is
   * compressed now: before the next rotation would rename the current file over it. `.1.gz` is written
   * aside and renamed, so a `.1.gz` that exists is whole and the `.1` beside it only has to go.
   */
  private async finishCompression(src: Source): Promise<void> {
    const rot = src.files.rotation;
    if (!rot?.compress || rot.maxFile < 2) return;
    const first = `${src.files.jsonPath}.1`;
    if (!(await stat(first).then(() => true, () => false))) return;
    if (await stat(`${first}.gz`).then(() => true, () => false)) await unlink(first);
    else this.compressRotated(src);
  }

  private compressRotated(src: Source): void {
    const file = `${src.files.jsonPath}.1`;
    src.compressing = compressLogFile(file, src.lastTime)
      .catch((e) => log.warn('log compression failed', { file, error: (e as Error).message }));
  }

  private async convert(src: Source, final: boolean): Promise<void> {
    if (!src.loaded) await this.load(src);
    // (the poll stops at upToDate() for a running container that wrote nothing new)
    const size = await stat(src.files.k8sPath).then((st) => st.size, () => -1);
    const max = src.files.rotation?.maxSize ?? -1;
    const punchDue = () => holePunchDue(src, final);
    if (size >= 0 && size === src.offset && (!final || src.joiner.empty) && !punchDue()) return;
    // writable only to punch holes, which rotating logs need to bound their disk use
    const k8s = size < 0 ? null : await open(src.files.k8sPath, max > 0 ? 'r+' : 'r').catch(() => null);
    try {
      if (k8s) {
        if (size < src.offset) src.offset = 0; // truncated behind our back: start over on the new content
        // sized to what is new (a chunk at most): a quiet container's conversion costs no megabyte
        const buf = Buffer.allocUnsafe(Math.max(1, Math.min(READ_CHUNK, size - src.offset)));
        for (let guard = 0; guard < 1_000_000; guard++) {
          const { bytesRead } = await k8s.read(buf, 0, buf.length, src.offset);
          if (bytesRead === 0) break;
          const chunk = buf.subarray(0, bytesRead);
          const lastNl = chunk.lastIndexOf(0x0a);
          if (lastNl < 0) {
            if (bytesRead < READ_CHUNK) break;      // an unfinished record: wait for its newline
            src.offset += bytesRead;                // a single record above 1 MiB cannot come from conmon: skip it
            continue;
          }
          let lines: string[] = [];
          let bytes = 0;
          let start = 0;
          const base = src.offset;
          for (let nl = chunk.indexOf(0x0a); nl >= 0 && nl <= lastNl; nl = chunk.indexOf(0x0a, start)) {
            const rec = parseK8sRecord(chunk.subarray(start, nl));
            if (rec) for (const l of src.joiner.push(rec, src.sink)) { lines.push(l); bytes += Buffer.byteLength(l); }
            start = nl + 1;
            // the file reaches max-size: commit here, so the next record goes to a rotated file (as dockerd: a file exceeds max-size by one record at most)
            if (max > 0 && src.jsonSize + bytes >= max && start <= lastNl) { await this.commit(src, lines, base + start); lines = []; bytes = 0; }
          }
          await this.commit(src, lines, base + lastNl + 1);
          if (bytesRead < buf.length) break;
        }
      }
      if (final && !src.joiner.empty) await this.commit(src, src.joiner.flush(src.sink), src.offset);
      if (k8s && punchDue()) {
        src.punched = punchHole(k8s.fd, src.offset) ? src.offset : Infinity;
      }
    } finally {
      await k8s?.close();
    }
  }

  /** Append json lines, then record the new positions (the order that makes a crash in between harmless). */
  private async commit(src: Source, lines: string[], offset: number): Promise<void> {
    const max = src.files.rotation?.maxSize ?? -1;
    if (lines.length && max > 0 && src.jsonSize >= max) await this.rotate(src);
    if (lines.length) {
      const data = src.local ? src.local.encode(lines) : Buffer.from(lines.join(''));
      src.lastTime = jsonRecordTime(lines[lines.length - 1]) ?? src.lastTime;
      const fh = await open(src.files.jsonPath, 'r+');
      try { await fh.write(data, 0, data.length, src.jsonSize); } finally { await fh.close(); }
      src.jsonSize += data.length;
    }
    src.offset = offset;
    await this.saveState(src);
  }

  /**
   * dockerd's rotation: the oldest file (`.N-1`, `.N-1.gz` when compressing) goes, `.N-2` → `.N-1` … the
   * file → `.1`, and a new empty file; with max-file 1 the file is truncated instead. At most max-file
   * files remain. With compress, `.1` is gzipped to `.1.gz` afterwards, off the conversion path.
   */
  private async rotate(src: Source): Promise<void> {
    const { jsonPath } = src.files;
    const maxFile = src.files.rotation?.maxFile ?? 1;
    const compress = !!src.files.rotation?.compress && maxFile >= 2;
    // the files shift only once the previous rotated file is compressed (dockerd holds its rotate lock as long)
    await src.compressing;
    if (compress) { await this.finishCompression(src); await src.compressing; }
    await this.saveState(src, true);
    if (maxFile < 2) {
      await truncate(jsonPath, 0);
    } else {
      const ext = compress ? '.gz' : '';
      const ignoreMissing = (e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; };
      // rotated files are made by shifting from `.1` up, so a missing one below the oldest is a gap that only a
      // rotation stopped amid its shifts leaves: the files above it have moved already, shift only those below
      let top = maxFile - 1;
      for (let n = 1; n < maxFile - 1; n++) {
        if (!(await stat(`${jsonPath}.${n}${ext}`).then(() => true, () => false))) { top = n; break; }
      }
      if (top === maxFile - 1) await unlink(`${jsonPath}.${top}${ext}`).catch(ignoreMissing);
      for (let n = top; n >= 2; n--) {
        await rename(`${jsonPath}.${n - 1}${ext}`, `${jsonPath}.${n}${ext}`).catch(ignoreMissing);
      }
      await rename(jsonPath, `${jsonPath}.1`);
      await writeFile(jsonPath, '', { mode: 0o640, flag: 'a' });
    }
    src.jsonSize = 0;
    await this.saveState(src);
    if (compress) this.compressRotated(src);
  }

  private async saveState(src: Source, rotating = false): Promise<void> {
    const pending: SavedState['pending'] = {};
    for (const s of ['stdout', 'stderr'] as const) {
      const p = src.joiner.pending[s];
      if (p) pending[s] = { time: p.time, data: p.data.toString('base64') };
    }
    const state: SavedState = { offset: src.offset, jsonSize: src.jsonSize, pending, ...(rotating ? { rotating } : {}), ...(src.lastTime ? { lastTime: src.lastTime } : {}) };
    const tmp = `${src.files.statePath}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, src.files.statePath);
  }
}

/** Converted bytes of a rotating log (max-size) waiting to be punched out of the k8s file. */
function holePunchDue(src: Source, final: boolean): boolean {
  const max = src.files.rotation?.maxSize ?? -1;
  return max > 0 && src.offset > src.punched && (final || src.offset - src.punched >= PUNCH_EVERY);
}

/**
 * Would a (not final) conversion find nothing to do? convert()'s own first test, answered with one
 * statSync: the poll asks it of every running container each second, and the conversion's promises
 * and its stat on the thread pool (1,000 running containers: ~15 ms of CPU a second, with the garbage
 * they leave) are only needed when something changed.
 */
function upToDate(src: Source): boolean {
  if (!src.loaded) return false;
  const st = statSync(src.files.k8sPath, { throwIfNoEntry: false });
  return !!st && st.size === src.offset && !holePunchDue(src, false);
}

function pendingOf(saved: SavedState): Partial<Record<'stdout' | 'stderr', PendingLine>> {
  const pending: Partial<Record<'stdout' | 'stderr', PendingLine>> = {};
  for (const s of ['stdout', 'stderr'] as const) {
    const p = saved.pending?.[s];
    if (p) pending[s] = { time: p.time, data: Buffer.from(p.data, 'base64') };
  }
  return pending;
}

/**
 * Where a container's logs live: conmon's k8s file, the file `logs` reads beside it (Docker's `<id>-json.log`,
 * or `local-logs/container.log` for the local driver) and the converter's position.
 */
export function jsonLogFiles(containerDir: string, id: string, k8sPath: string, rotation?: JsonFileRotation, format: LogFileFormat = 'json'): JsonLogFiles {
  const jsonPath = format === 'local' ? `${containerDir}/local-logs/container.log` : `${containerDir}/${id}-json.log`;
  return { k8sPath, jsonPath, statePath: `${containerDir}/json-log.position`, rotation, format };
}
