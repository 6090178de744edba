/**
 * What the CRI's services share (the contract between the runtime/image services and the streaming and
 * stats handlers). CRI objects are the engine's own: a pod sandbox ID is the ID of its pause container, a
 * CRI container ID is the engine container's ID, and both live in the engine's `k8s.io` namespace
 * (kept out of `berth ps` unless asked), so there is no second model of the state.
 */
import type { Engine } from '../engine/engine.js';

/** the containerd-style namespace that CRI containers are created in */
export const CRI_NAMESPACE = 'k8s.io';

export interface CriContext {
  engine: Engine;
  /** where pod and container logs go when the kubelet gives no log directory (tests) */
  runRoot: string;
  /** the streaming server's base URL (http://127.0.0.1:PORT), handed out in Exec/Attach/PortForward responses */
  streamingUrl?: string;
}

/**
 * A set of gRPC method implementations for one service (keys are the proto's method names). The runtime
 * service is assembled from several such sets (lifecycle, streaming, stats, events), one per module.
 */
export type GrpcHandlers = Record<string, (...args: never[]) => unknown>;
