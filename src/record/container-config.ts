import type { ContainerConfig, HostConfig } from '../common/engine-api/types.js';

/** T with the keys K also allowed to hold null. */
type NullableKeys<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };

/**
 * The ContainerConfig berth records (merged with the image). Two departures
 * from the swagger: Docker reports unset list fields as null (Go's nil slices)
 * and berth stores them that way so inspect matches; and MacAddress, which the
 * swagger moved to EndpointSettings, is still sent in Config by clients on
 * older API versions and kept for the first endpoint.
 */
export type RecordedConfig = NullableKeys<ContainerConfig, 'Cmd' | 'Entrypoint' | 'Volumes' | 'OnBuild'> & {
  /** always set at create (the user's, the host's for --network host, else the short id) */
  Hostname: string;
  MacAddress?: string;
};

/**
 * The HostConfig berth records. Docker reports unset list fields as null (Go's
 * nil slices), which the swagger types as plain arrays; berth stores the nulls
 * so inspect matches Docker. KernelMemory left the swagger (API 1.42) but a
 * record keeps what an older client sent, and update still refuses to change it.
 */
export type RecordedHostConfig = NullableKeys<HostConfig,
  'Binds' | 'VolumesFrom' | 'CapAdd' | 'CapDrop' | 'ExtraHosts' | 'GroupAdd' | 'Links' | 'SecurityOpt' | 'Ulimits'> & {
  KernelMemory?: number;
};
