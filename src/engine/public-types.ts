/**
 * The shapes a library caller passes to and gets from the Engine's typed methods. They follow
 * the Docker Engine API's JSON (the same names and nesting), with the fields berth acts on
 * named and the rest left open as `unknown`.
 */
import type { LogEntry } from '../container/log-entry.js';
import type { WaitCondition } from '../container/manager.js';

export type { LogEntry, WaitCondition };

export interface HostConfigSpec {
  Binds?: string[];
  NetworkMode?: string;
  AutoRemove?: boolean;
  Privileged?: boolean;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
  RestartPolicy?: { Name: string; MaximumRetryCount?: number };
  Memory?: number;
  NanoCpus?: number;
  Init?: boolean;
  LogConfig?: { Type: string; Config?: Record<string, string> };
  [key: string]: unknown;
}

/** POST /containers/create's body. */
export interface ContainerSpec {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  Labels?: Record<string, string>;
  Hostname?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  HostConfig?: HostConfigSpec;
  NetworkingConfig?: { EndpointsConfig?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface CreatedContainer { Id: string; Warnings: string[] }

export interface StopOptions {
  /** the stop signal (default the container's, else SIGTERM) */
  signal?: string;
  /** seconds before SIGKILL; -1 waits forever */
  timeout?: number;
}

export interface RemoveOptions {
  /** stop a running container first */
  force?: boolean;
  /** remove its anonymous volumes too */
  volumes?: boolean;
}

export interface WaitOptions { condition?: WaitCondition; signal?: AbortSignal }

export interface WaitResult { StatusCode: number; Error: { Message: string } | null }

export interface LogsOptions {
  /** keep reading while the container runs */
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** unix seconds (fractional allowed) */
  since?: number;
  until?: number;
  /** 'all' or a number of entries from the end */
  tail?: string | number;
  /** ends a followed read */
  signal?: AbortSignal;
}

export interface ExecOptions {
  env?: string[];
  user?: string;
  workingDir?: string;
  tty?: boolean;
  privileged?: boolean;
}

export interface ExecResult { exitCode: number; stdout: Buffer; stderr: Buffer }

export interface NetworkSpec {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> };
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface NetworkInfo {
  Name: string;
  Id: string;
  Driver: string;
  Scope: string;
  Labels: Record<string, string>;
  [key: string]: unknown;
}

export interface VolumeSpec {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: string;
  [key: string]: unknown;
}
