/**
 * What the CRI keeps beside the engine's own container records: each pod sandbox's and container's CRI
 * config (metadata, labels, annotations as the kubelet gave them) and the pod's network (its CNI result).
 * One JSON file per object under <root>/cri, written atomically; the engine record stays the source of
 * the process state (running, exit code, times).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../common/log.js';
import type { CniResult } from '../network/cni.js';

export interface SandboxEntry {
  id: string;
  /** the CRI's PodSandboxConfig as received */
  config: any;
  createdAt: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  runtimeHandler: string;
  hostNetwork: boolean;
  /** the CNI network the pod is attached to, and its ADD result (DEL needs both) */
  network?: { name: string; file: string; result: CniResult; netnsPath: string };
  /** the pod's pinned network namespace (src/network/netns-pin.ts), until the pod is stopped */
  pinnedNetns?: string;
  ip: string;
  additionalIps: string[];
  logDirectory: string;
}

export interface ContainerEntry {
  id: string;
  sandboxId: string;
  /** the CRI's ContainerConfig as received */
  config: any;
  createdAt: string;
  imageRef: string;
  imageId: string;
  logPath: string;
}

class JsonDir<T extends { id: string }> {
  readonly items = new Map<string, T>();
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.json')) continue;
      try { const v = JSON.parse(readFileSync(join(dir, f), 'utf8')) as T; this.items.set(v.id, v); } catch (e) {
        log.warn('unreadable CRI state file ignored', { file: join(dir, f), error: (e as Error).message });
      }
    }
  }
  put(v: T): void {
    const tmp = join(this.dir, `.${v.id}.tmp`);
    writeFileSync(tmp, JSON.stringify(v));
    renameSync(tmp, join(this.dir, `${v.id}.json`));
    this.items.set(v.id, v);
  }
  delete(id: string): void { rmSync(join(this.dir, `${id}.json`), { force: true }); this.items.delete(id); }
}

export class CriStore {
  readonly sandboxes: JsonDir<SandboxEntry>;
  readonly containers: JsonDir<ContainerEntry>;
  constructor(dir: string) {
    this.sandboxes = new JsonDir(join(dir, 'sandboxes'));
    this.containers = new JsonDir(join(dir, 'containers'));
  }
}
