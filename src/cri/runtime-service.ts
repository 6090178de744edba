/**
 * The RuntimeService's lifecycle handlers: runtime info, pod sandboxes, containers. Streaming (Exec,
 * Attach, PortForward, ExecSync), stats and events come from their own handler sets (see server.ts).
 */
import { InvalidArgumentError } from '../common/errors.js';
import type { GrpcHandlers } from './context.js';
import type { ContainerService } from './containers.js';
import { unary } from './grpc-errors.js';
import type { SandboxManager } from './sandboxes.js';
import type { CniRunner } from '../network/cni.js';
import { nowNanos } from './util.js';

export const CRI_RUNTIME_NAME = 'berth';
export const CRI_API_VERSION = 'v1';

export interface RuntimeServiceDeps {
  sandboxes: SandboxManager;
  containers: ContainerService;
  cni: CniRunner;
  runtimeVersion: string;
  /** the runtime handlers the daemon has (crun, runc) */
  handlers: string[];
}

export function runtimeHandlers(d: RuntimeServiceDeps): GrpcHandlers {
  const { sandboxes, containers } = d;
  return {
    Version: unary('Version', () => ({ version: '0.1.0', runtime_name: CRI_RUNTIME_NAME, runtime_version: d.runtimeVersion, runtime_api_version: CRI_API_VERSION })),
    Status: unary('Status', (req: any) => {
      const why = d.cni.notReadyReason();
      const conditions = [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: !why, reason: why ? 'NetworkPluginNotReady' : '', message: why ?? '' },
      ];
      return {
        status: { conditions },
        info: req.verbose ? { config: JSON.stringify({ cniConfDir: d.cni.confDir, cniBinDirs: d.cni.binDirs }) } : {},
        runtime_handlers: [{ name: '', features: { recursive_read_only_mounts: false, user_namespaces: false } },
          ...d.handlers.map((name) => ({ name, features: { recursive_read_only_mounts: false, user_namespaces: false } }))],
        features: { supplemental_groups_policy: false },
      };
    }),
    RuntimeConfig: unary('RuntimeConfig', () => ({ linux: { cgroup_driver: 'CGROUPFS' } })),
    UpdateRuntimeConfig: unary('UpdateRuntimeConfig', () => ({})), // the pod CIDR lives in the CNI config here, as with containerd's default

    RunPodSandbox: unary('RunPodSandbox', async (req: any) => ({ pod_sandbox_id: await sandboxes.run(req.config, req.runtime_handler) })),
    StopPodSandbox: unary('StopPodSandbox', async (req: any) => { required(req.pod_sandbox_id, 'pod_sandbox_id'); await sandboxes.stop(req.pod_sandbox_id); return {}; }),
    RemovePodSandbox: unary('RemovePodSandbox', async (req: any) => { required(req.pod_sandbox_id, 'pod_sandbox_id'); await sandboxes.remove(req.pod_sandbox_id); return {}; }),
    PodSandboxStatus: unary('PodSandboxStatus', (req: any) => {
      const s = sandboxes.get(req.pod_sandbox_id);
      const info = req.verbose ? { info: JSON.stringify({ pid: sandboxes.pidOf(s), runtimeHandler: s.runtimeHandler, network: s.network ?? null, config: s.config }) } : {};
      return { status: sandboxes.status(s), info, containers_statuses: [], timestamp: nowNanos() };
    }),
    ListPodSandbox: unary('ListPodSandbox', (req: any) => ({ items: sandboxes.list(req.filter) })),

    CreateContainer: unary('CreateContainer', async (req: any) => ({ container_id: await containers.create(req.pod_sandbox_id, req.config, req.sandbox_config) })),
    StartContainer: unary('StartContainer', async (req: any) => { await containers.start(req.container_id); return {}; }),
    StopContainer: unary('StopContainer', async (req: any) => { await containers.stop(req.container_id, Number(req.timeout ?? 0)); return {}; }),
    RemoveContainer: unary('RemoveContainer', async (req: any) => { required(req.container_id, 'container_id'); await containers.remove(req.container_id); return {}; }),
    ListContainers: unary('ListContainers', (req: any) => ({ containers: containers.list(req.filter) })),
    ContainerStatus: unary('ContainerStatus', (req: any) => {
      const status = containers.status(req.container_id);
      return { status, info: req.verbose ? { info: JSON.stringify({ sandboxId: status.pod_sandbox_id }) } : {} };
    }),
    UpdateContainerResources: unary('UpdateContainerResources', async (req: any) => { await containers.updateResources(req.container_id, req.linux); return {}; }),
    ReopenContainerLog: unary('ReopenContainerLog', (req: any) => { containers.reopenLog(req.container_id); return {}; }),
  };
}

function required(v: unknown, name: string): void {
  if (!v) throw new InvalidArgumentError(`${name} is required`, 'ERR_CRI_INVALID');
}
