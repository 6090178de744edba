/**
 * `docker update`: change a container's limits and restart policy. The merged
 * HostConfig is validated like at create; a running container gets the new limits
 * through the OCI runtime's `update` (which writes the cgroup files, v1 or v2).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConflictError, InvalidArgumentError } from '../common/errors.js';
import { run } from '../common/exec.js';
import { runtimeError, type OciRuntimeInfo } from '../runtime/oci-runtime.js';
import { updateOciResources, validateResources, type ResourceHost } from '../runtime/resources.js';
import { validateRestartPolicy } from './restart-policy.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { RecordedHostConfig } from '../record/container-config.js';
import type { ContainerUpdateRequest, Resources } from '../common/engine-api/types.js';

/** Fields whose zero value means "leave as is" in Docker's update. */
const ZERO_MEANS_UNCHANGED = ['BlkioWeight', 'CpuPeriod', 'CpuQuota', 'CpuShares', 'Memory', 'MemoryReservation', 'MemorySwap', 'NanoCpus', 'CpusetCpus', 'CpusetMems'] as const satisfies ReadonlyArray<keyof RecordedHostConfig>;
const NOT_UPDATABLE_LIVE = ['KernelMemory', 'Devices', 'DeviceCgroupRules', 'Ulimits', 'CgroupParent', 'OomKillDisable', 'MemorySwappiness'] as const satisfies ReadonlyArray<keyof RecordedHostConfig>;

export interface UpdateDeps {
  runtime: OciRuntimeInfo;
  tmpDir: string;
  host: ResourceHost;
}

export interface UpdatePlan { hostConfig: RecordedHostConfig; changed: Set<string>; warnings: string[] }

type ZeroMeansUnchanged = typeof ZERO_MEANS_UNCHANGED[number];

/** One resource field from the request into the HostConfig (both use the swagger's Resources types). */
function copyField<K extends ZeroMeansUnchanged>(to: Pick<Resources, K>, from: Pick<Resources, K>, k: K): void {
  to[k] = from[k];
}

/** POST /containers/{id}/update's body; KernelMemory is refused like the other fields that cannot change live. */
export type UpdateBody = ContainerUpdateRequest & { KernelMemory?: number };

/** Merge and validate an update request (no side effects). */
export function planUpdate(rec: ContainerRecord, body: UpdateBody, host: ResourceHost): UpdatePlan {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('update config must be a JSON object');
  const hc: RecordedHostConfig = { ...rec.hostConfig };
  const changed = new Set<string>();
  for (const k of ZERO_MEANS_UNCHANGED) {
    const v = body[k];
    if (v === undefined || v === null || v === 0 || v === '') continue;
    copyField(hc, body, k);
    changed.add(k);
  }
  if (body.PidsLimit !== undefined && body.PidsLimit !== null) { hc.PidsLimit = body.PidsLimit <= 0 ? 0 : body.PidsLimit; changed.add('PidsLimit'); }
  // clients (docker CLI) send the whole Resources object: empty fields and the current values are no change
  for (const k of NOT_UPDATABLE_LIVE) {
    const v = body[k];
    if (isEmptyValue(v) || sameValue(v, rec.hostConfig[k])) continue;
    throw new InvalidArgumentError(`${k} cannot be changed by update; recreate the container`);
  }
  if (body.RestartPolicy && body.RestartPolicy.Name) {
    if (rec.hostConfig.AutoRemove && body.RestartPolicy.Name !== 'no') {
      throw new InvalidArgumentError('Restart policy cannot be updated because AutoRemove is enabled for the container');
    }
    validateRestartPolicy(body.RestartPolicy);
    hc.RestartPolicy = { Name: body.RestartPolicy.Name, MaximumRetryCount: body.RestartPolicy.MaximumRetryCount ?? 0 };
    changed.add('RestartPolicy');
  }
  if (changed.has('NanoCpus')) { hc.CpuQuota = 0; hc.CpuPeriod = 0; }
  if (changed.has('CpuQuota') || changed.has('CpuPeriod')) hc.NanoCpus = 0;
  if (changed.has('Memory') && !changed.has('MemorySwap')) {
    const swap = rec.hostConfig.MemorySwap ?? 0;
    if (swap > 0 && (hc.Memory ?? 0) > swap) {
      throw new InvalidArgumentError('Cannot update container memory limit: memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
  }
  const warnings = validateResources(hc, host, { update: true });
  return { hostConfig: hc, changed, warnings };
}

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || v === 0 || v === false || v === '' || (Array.isArray(v) && v.length === 0);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Apply the plan's limits to a running container. */
export async function applyLiveUpdate(rec: ContainerRecord, plan: UpdatePlan, deps: UpdateDeps): Promise<void> {
  const resources = updateOciResources(plan.hostConfig, plan.changed);
  if (Object.keys(resources).length === 0) return;
  if (rec.state.Paused) throw new ConflictError(`cannot update the limits of paused container ${rec.id}; unpause it first`);
  await mkdir(deps.tmpDir, { recursive: true });
  const file = join(deps.tmpDir, `update-${randomBytes(6).toString('hex')}.json`);
  await writeFile(file, JSON.stringify(resources));
  try {
    const r = await run(deps.runtime.path, ['--root', deps.runtime.root, 'update', '--resources', file, rec.id], { timeoutMs: 30_000 });
    if (r.code !== 0) {
      const err = runtimeError(deps.runtime, 'update', rec.id, r.stderr || r.stdout);
      throw new InvalidArgumentError(`Cannot update container ${rec.id}: ${err.message}`, 'ERR_UPDATE');
    }
  } finally {
    await rm(file, { force: true }).catch(() => undefined);
  }
}
