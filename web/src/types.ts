/** The parts of the Engine API's answers the pages read (docs: Docker Engine API v1.4x). */
export interface ContainerSummary {
  Id: string; Names: string[]; Image: string; ImageID: string; Command: string; Created: number;
  State: string; Status: string; Labels: Record<string, string> | null;
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
  Mounts?: Array<{ Type: string; Name?: string; Source: string; Destination: string }>;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string; NetworkID?: string }> };
}

export interface ContainerInspect {
  Id: string; Name: string; Created: string; Path: string; Args: string[]; Image: string; RestartCount: number;
  State: { Status: string; Running: boolean; Paused: boolean; Pid: number; ExitCode: number; StartedAt: string; FinishedAt: string; Error?: string; Health?: { Status: string } };
  Config: { Image: string; Cmd: string[] | null; Entrypoint: string[] | null; Env: string[] | null; Labels: Record<string, string> | null; WorkingDir: string; User: string; Tty: boolean; Hostname: string; ExposedPorts?: Record<string, unknown> | null };
  HostConfig: { RestartPolicy?: { Name: string; MaximumRetryCount?: number }; Binds?: string[] | null; NetworkMode?: string; Memory?: number; NanoCpus?: number; Privileged?: boolean; ReadonlyRootfs?: boolean; PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null; AutoRemove?: boolean };
  NetworkSettings: { Networks?: Record<string, { IPAddress?: string; Gateway?: string; MacAddress?: string }>; Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
  Mounts: Array<{ Type: string; Name?: string; Source: string; Destination: string; RW: boolean }>;
}

export interface ImageSummary { Id: string; RepoTags: string[] | null; RepoDigests: string[] | null; Created: number; Size: number; Containers?: number; Labels?: Record<string, string> | null }
export interface HistoryItem { Id: string; Created: number; CreatedBy: string; Size: number; Comment: string; Tags: string[] | null }
export interface NetworkSummary { Id: string; Name: string; Driver: string; Scope: string; Internal?: boolean; Labels?: Record<string, string> | null; IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null }; Containers?: Record<string, { Name: string; IPv4Address?: string }> | null }
export interface VolumeSummary { Name: string; Driver: string; Mountpoint: string; Labels?: Record<string, string> | null; CreatedAt?: string; Scope?: string }
export interface EngineEvent { Type: string; Action: string; Actor: { ID: string; Attributes?: Record<string, string> }; time: number; timeNano?: number; scope?: string }

export interface StatsSample {
  read: string;
  cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
}
