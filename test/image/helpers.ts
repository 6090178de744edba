import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { enginePaths, type EnginePaths } from '../../src/common/paths.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { ContentStore } from '../../src/store/content.js';
import { LayerStore } from '../../src/snapshot/layer-store.js';
import { EventLog, type EngineEvent } from '../../src/events/events.js';
import { ImageStore } from '../../src/image/image-store.js';

export interface Env { root: string; paths: EnginePaths; db: Db; content: ContentStore; layers: LayerStore; events: EventLog; images: ImageStore; seen: EngineEvent[] }

/** A fresh engine state in a temp dir, removed after the test. */
export async function imageEnv(t: { after: (fn: () => Promise<void>) => void }): Promise<Env> {
  const root = await mkdtemp(join(tmpdir(), 'berth-image-'));
  const paths = enginePaths(join(root, 'root'), join(root, 'run'));
  const db = openDatabase(paths.db);
  const content = new ContentStore(paths.content);
  const layers = new LayerStore(db, paths);
  const events = new EventLog(db);
  const seen: EngineEvent[] = [];
  events.on('event', (e: EngineEvent) => seen.push(e));
  const images = new ImageStore(db, content, layers, events);
  t.after(async () => {
    db.close();
    await rm(root, { recursive: true, force: true });
  });
  return { root, paths, db, content, layers, events, images, seen };
}

// one tar builder for all test areas
export { buildTar, streamOf, type TarEntry } from '../snapshot/helpers.js';

/** Names of the entries of a (plain) tar. */
export async function tarNames(src: Readable): Promise<Map<string, tar.Header>> {
  const ex = tar.extract();
  const out = new Map<string, tar.Header>();
  ex.on('entry', (h, stream, next) => { out.set(h.name.replace(/\/$/, ''), h); stream.resume(); stream.on('end', next); });
  await new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); src.on('error', reject); src.pipe(ex); });
  return out;
}
