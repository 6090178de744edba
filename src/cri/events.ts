/**
 * GetContainerEvents (server-streaming): the engine's container events of the CRI namespace, as the
 * kubelet's evented PLEG reads them from containerd: create, start, die and destroy become
 * CONTAINER_CREATED/STARTED/STOPPED/DELETED_EVENT with the engine event's time in nanoseconds. A pod
 * sandbox's events come with the sandbox's ID (its pause container's). Events are live only (the CRI
 * has no replay); a client that goes away is unsubscribed. `statusOf` (cri-core's status builders)
 * fills pod_sandbox_status and containers_statuses when given.
 */
import type { Engine } from '../engine/engine.js';
import type { EngineEvent } from '../events/events.js';
import { NAMESPACE_LABEL } from '../container/namespaces.js';
import { CRI_NAMESPACE, type GrpcHandlers } from './context.js';

export { NAMESPACE_LABEL };

export const CRI_EVENT_TYPES: Record<string, string> = {
  create: 'CONTAINER_CREATED_EVENT',
  start: 'CONTAINER_STARTED_EVENT',
  die: 'CONTAINER_STOPPED_EVENT',
  destroy: 'CONTAINER_DELETED_EVENT',
};

export interface EventStatuses { pod_sandbox_status?: object | null; containers_statuses?: object[] }

/** The CRI event of an engine event, or undefined when it is none (another namespace, another action). */
export function criEventOf(e: EngineEvent, statusOf?: (containerId: string) => EventStatuses): object | undefined {
  if (e.Type !== 'container' || e.Actor.Attributes[NAMESPACE_LABEL] !== CRI_NAMESPACE) return undefined;
  const type = CRI_EVENT_TYPES[e.Action];
  if (!type) return undefined;
  let extra: EventStatuses = {};
  // after a destroy there is nothing left to describe
  if (statusOf && e.Action !== 'destroy') { try { extra = statusOf(e.Actor.ID); } catch { /* removed meanwhile */ } }
  return {
    container_id: e.Actor.ID, container_event_type: type, created_at: String(e.timeNano),
    pod_sandbox_status: extra.pod_sandbox_status ?? null, containers_statuses: extra.containers_statuses ?? [],
  };
}

interface StreamCall { write(x: object): boolean; on(ev: 'cancelled' | 'close' | 'error', cb: () => void): void; end(): void }

/** The event streams being served, so that a daemon stop ends them (the server then shuts down at once). */
export class EventStreams {
  private readonly calls = new Set<StreamCall>();

  constructor(private readonly engine: Engine, private readonly statusOf?: (containerId: string) => EventStatuses) {}

  handlers(): GrpcHandlers {
    return {
      GetContainerEvents: (call: StreamCall) => {
        const onEvent = (e: EngineEvent) => {
          const ev = criEventOf(e, this.statusOf);
          if (ev) call.write(ev);
        };
        this.engine.eventLog.on('event', onEvent);
        this.calls.add(call);
        const stop = () => { this.engine.eventLog.off('event', onEvent); this.calls.delete(call); };
        call.on('cancelled', stop);
        call.on('close', stop);
        call.on('error', stop);
      },
    };
  }

  /** End every stream (the client sees the stream end with OK, as when containerd stops). */
  endAll(): void {
    for (const call of [...this.calls]) { try { call.end(); } catch { /* gone */ } }
  }
}
