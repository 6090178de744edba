/**
 * The streaming, stats, metrics and events handler sets over cri-core's services, and the streaming
 * server's life: started with the CRI server (its URL goes into CriContext.streamingUrl), closed with it.
 */
import { log } from '../common/log.js';
import type { GrpcHandlers } from './context.js';
import { EventStreams, type EventStatuses } from './events.js';
import type { CriServices } from './server.js';
import { statsHandlers } from './stats.js';
import { metricsHandlers } from './stats-metrics.js';
import { streamingHandlers, type StreamingTargets } from './streaming-service.js';
import { StreamingServer } from './streaming/server.js';

export interface CriStreaming {
  url: string;
  /** ExecSync, Exec, Attach, PortForward, the stats and metrics calls, GetContainerEvents */
  handlers(services: CriServices): GrpcHandlers;
  close(): Promise<void>;
}

/** Only the CRI's own containers and sandboxes are reachable (cri-core's store resolves IDs and prefixes). */
export function criTargets(s: CriServices): StreamingTargets {
  return {
    container: (id) => s.containers.get(id).id,
    sandbox: (id) => {
      const sb = s.sandboxes.get(id);
      if (sb.hostNetwork) return { id: sb.id, netns: undefined };
      return { id: sb.id, netns: sb.network?.netnsPath || `/proc/${s.sandboxes.pidOf(sb)}/ns/net` };
    },
  };
}

/** What an event of `id` (a sandbox's or a container's) carries: its pod's status and the pod's containers' statuses, as containerd sends. */
export function eventStatuses(s: CriServices): (id: string) => EventStatuses {
  return (id) => {
    const sandboxId = s.store.sandboxes.items.get(id)?.id ?? s.store.containers.items.get(id)?.sandboxId;
    const sb = sandboxId ? s.store.sandboxes.items.get(sandboxId) : undefined;
    if (!sb) return {};
    return {
      pod_sandbox_status: s.sandboxes.status(sb),
      containers_statuses: s.sandboxes.containersOf(sb.id).flatMap((c) => { try { return [s.containers.status(c)]; } catch { return []; } }),
    };
  };
}

export async function startCriStreaming(services: Pick<CriServices, 'ctx'>, opts: { host?: string; port?: number } = {}): Promise<CriStreaming> {
  const server = await StreamingServer.start(services.ctx.engine, opts);
  services.ctx.streamingUrl = server.url;
  log.info('CRI streaming server listening', { url: server.url });
  let events: EventStreams | undefined;
  return {
    url: server.url,
    handlers: (s) => {
      events = new EventStreams(s.ctx.engine, eventStatuses(s));
      return {
        ...streamingHandlers(s.ctx.engine, server, criTargets(s)),
        ...statsHandlers(s.ctx.engine, s.store),
        ...metricsHandlers(s.ctx.engine, s.store),
        ...events.handlers(),
      };
    },
    close: async () => { events?.endAll(); await server.close(); },
  };
}
