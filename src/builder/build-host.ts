import type { EnginePaths } from '../common/paths.js';
import type { Db } from '../store/db.js';
import type { ContentStore } from '../store/content.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { SnapshotStore } from '../snapshot/overlay.js';
import type { ImageRecord, ImageStore } from '../image/image-store.js';
import type { PullOptions } from '../registry/client/pull.js';
import type { OciRuntime } from '../runtime/index.js';

/**
 * What the builder needs from the engine: the stores below it and a runtime. The Engine passes itself
 * (it has all of these), so the builder never imports the engine that sits above it.
 */
export interface BuildHost {
  readonly paths: EnginePaths;
  readonly db: Db;
  readonly content: ContentStore;
  readonly layers: LayerStore;
  readonly snapshots: SnapshotStore;
  readonly images: ImageStore;
  readonly runtimes: Record<string, OciRuntime>;
  readonly defaultRuntime: string;
  /** the admission policy: a local base image is checked as a create, a pulled one as a pull */
  admitImage?(given: string, image: ImageRecord): Promise<void>;
  /** a base image's pull: the admission check before anything is stored, the signatures after */
  readonly pullHooks?: Pick<PullOptions, 'beforeStore' | 'afterStore'>;
}
