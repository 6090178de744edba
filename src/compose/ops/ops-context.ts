/** What the orchestrator's operations share: the engine, the progress writer, warnings, parallelism. */
import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../common/errors.js';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import type { ProgressWriter } from '../output/progress.js';
import { nameOf } from './state.js';

export interface OpsContext {
  client: EngineClient;
  progress: ProgressWriter;
  /** compose's logrus warnings (`WARN[0000] …` on stderr) */
  warn: (msg: string) => void;
  /** --parallel / COMPOSE_PARALLEL_LIMIT (undefined or -1: unbounded) */
  parallel?: number;
}

/** A service or dependency that failed: exit 1 with compose v2's message. */
export function serviceFailed(message: string, cause?: unknown): BerthError {
  return new BerthError(message, { code: 'ERR_COMPOSE_SERVICE_FAILED', status: 500, exitCode: 1, cause });
}

/** compose's progress id of a container: `Container <name>`. */
export function containerId(c: ContainerSummary): string {
  return `Container ${nameOf(c) || (c.Id ?? '').slice(0, 12)}`;
}

/** Run fn over items, at most `limit` at once; the first failure is thrown once all have settled. */
export async function forEachLimited<T>(items: T[], limit: number | undefined, fn: (item: T) => Promise<void>): Promise<void> {
  const max = limit && limit > 0 ? limit : items.length || 1;
  let next = 0;
  let failure: { e: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++];
      try { await fn(item); } catch (e) { failure ??= { e }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(max, items.length) }, worker));
  if (failure) throw (failure as { e: unknown }).e;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
