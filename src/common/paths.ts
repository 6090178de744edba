import { join } from 'node:path';

/**
 * Where the engine keeps its state. Tests and benchmarks always pass their own
 * temporary pair so that they never touch a real installation.
 */
export interface EnginePaths {
  root: string;          // persistent: /var/lib/berth
  runRoot: string;       // volatile: /run/berth
  db: string;            // root/berth.db
  content: string;       // root/content (blobs/sha256/<hex>, ingest/)
  snapshots: string;     // root/snapshots (layers: l/<short>, containers: c/<id>)
  containers: string;    // root/containers/<id> (config, logs, bundle)
  tmp: string;           // root/tmp (same file system as content, for atomic renames)
  trash: string;         // root/tmp/trash (removed trees, deleted in the background)
  runTrash: string;      // runRoot/trash (the same for runRoot's trees)
  runtimeRoot: string;   // runRoot/runtime (crun/runc --root)
  conmonDir: string;     // runRoot/conmon (attach sockets, exit files, pid files)
  socket: string;        // runRoot/berth.sock
  pidFile: string;       // runRoot/berth.pid
}

export const DEFAULT_ROOT = '/var/lib/berth';
export const DEFAULT_RUN_ROOT = '/run/berth';

export function enginePaths(root = process.env.BERTH_ROOT || DEFAULT_ROOT, runRoot = process.env.BERTH_RUN_ROOT || DEFAULT_RUN_ROOT): EnginePaths {
  return {
    root,
    runRoot,
    db: join(root, 'berth.db'),
    content: join(root, 'content'),
    snapshots: join(root, 'snapshots'),
    containers: join(root, 'containers'),
    tmp: join(root, 'tmp'),
    trash: join(root, 'tmp', 'trash'),
    runTrash: join(runRoot, 'trash'),
    runtimeRoot: join(runRoot, 'runtime'),
    conmonDir: join(runRoot, 'conmon'),
    socket: join(runRoot, 'berth.sock'),
    pidFile: join(runRoot, 'berth.pid'),
  };
}
