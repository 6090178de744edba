/**
 * What the stats and events handlers need to know of the CRI's objects: each pod sandbox's and
 * container's metadata, labels and annotations as the kubelet gave them, and which sandbox a container
 * belongs to. The shape is the one of cri-core's CriStore (src/cri/cri-store.ts: maps of entries with
 * the CRI config as received), so its store is passed in as it is.
 */
export interface CriConfigLike {
  metadata?: Record<string, unknown> | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

export interface SandboxLike { id: string; config: CriConfigLike }
export interface ContainerLike { id: string; sandboxId: string; config: CriConfigLike }

export interface CriObjects {
  sandboxes: { items: Map<string, SandboxLike> };
  containers: { items: Map<string, ContainerLike> };
}

/** The entry whose ID is `id` or starts with it (crictl passes unique prefixes too). */
export function findById<T extends { id: string }>(items: Map<string, T>, id: string): T | undefined {
  const exact = items.get(id);
  if (exact || !id) return exact;
  let found: T | undefined;
  for (const [k, v] of items) {
    if (!k.startsWith(id)) continue;
    if (found) return undefined;
    found = v;
  }
  return found;
}

/** A label selector of the CRI (every pair must be among the labels). */
export function labelsMatch(labels: Record<string, string> | null | undefined, selector: Record<string, string> | null | undefined): boolean {
  for (const [k, v] of Object.entries(selector ?? {})) if (labels?.[k] !== v) return false;
  return true;
}
