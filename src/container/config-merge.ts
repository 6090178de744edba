import { InvalidArgumentError } from '../common/errors.js';
import type { RecordedConfig, RecordedHostConfig } from '../record/container-config.js';

function envKey(e: string): string { const i = e.indexOf('='); return i < 0 ? e : e.slice(0, i); }

/** Normalize Cmd/Entrypoint: the API allows a string (shell form is not applied) or an array. */
function strSlice(v: unknown): string[] | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(String);
  throw new InvalidArgumentError('Cmd and Entrypoint must be a string or an array of strings');
}

/**
 * Docker's merge of the image config into the container config (daemon
 * `merge`): user values win, the image fills the gaps. Entrypoint given without
 * Cmd drops the image's Cmd. An explicit empty Entrypoint ([""] or []) clears
 * the image's entrypoint.
 */
export function mergeImageConfig(user: any, image: any): any {
  const c: any = { ...user };
  const img = image ?? {};
  c.Cmd = strSlice(c.Cmd);
  c.Entrypoint = strSlice(c.Entrypoint);
  if (Array.isArray(c.Entrypoint) && c.Entrypoint.length === 1 && c.Entrypoint[0] === '') c.Entrypoint = [];

  if (!c.User) c.User = img.User ?? '';
  if (img.ExposedPorts) c.ExposedPorts = { ...img.ExposedPorts, ...(c.ExposedPorts ?? {}) };
  if (!c.Env || c.Env.length === 0) c.Env = [...(img.Env ?? [])];
  else {
    const keys = new Set((c.Env as string[]).map(envKey));
    for (const e of (img.Env ?? []) as string[]) if (!keys.has(envKey(e))) c.Env.push(e);
  }
  if (img.Labels) c.Labels = { ...img.Labels, ...(c.Labels ?? {}) };
  if (!c.Entrypoint || c.Entrypoint.length === 0) {
    if (!c.Cmd || c.Cmd.length === 0) {
      c.Cmd = img.Cmd ?? null;
      if (!c.Shell && img.Shell) c.Shell = img.Shell;
    }
    if (c.Entrypoint == null) c.Entrypoint = img.Entrypoint ?? null;
  }
  if (!c.Healthcheck && img.Healthcheck) c.Healthcheck = img.Healthcheck;
  else if (c.Healthcheck && img.Healthcheck) {
    // Docker fills the fields the user left out (e.g. only --health-interval) from the image's HEALTHCHECK
    const h = { ...c.Healthcheck };
    if (!h.Test?.length) h.Test = img.Healthcheck.Test;
    for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries']) if (!h[k] && img.Healthcheck[k]) h[k] = img.Healthcheck[k];
    c.Healthcheck = h;
  }
  if (!c.WorkingDir) c.WorkingDir = img.WorkingDir ?? '';
  if (img.Volumes) c.Volumes = { ...img.Volumes, ...(c.Volumes ?? {}) };
  if (!c.StopSignal && img.StopSignal) c.StopSignal = img.StopSignal;
  if ((!c.OnBuild || c.OnBuild.length === 0) && img.OnBuild) c.OnBuild = img.OnBuild;
  return c;
}

/** The process to run: Entrypoint + Cmd, split into Docker's Path and Args. */
export function commandOf(config: any): { path: string; args: string[] } {
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])] as string[];
  if (argv.length === 0) throw new InvalidArgumentError('No command specified', 'ERR_NO_COMMAND');
  return { path: argv[0], args: argv.slice(1) };
}

/** Fill the ContainerConfig fields Docker always reports. */
export function completeConfig(c: any, hostname: string, imageRef: string): RecordedConfig {
  return {
    Hostname: c.Hostname || hostname,
    Domainname: c.Domainname ?? '',
    User: c.User ?? '',
    AttachStdin: !!c.AttachStdin,
    AttachStdout: !!c.AttachStdout,
    AttachStderr: !!c.AttachStderr,
    ...(c.ExposedPorts && Object.keys(c.ExposedPorts).length ? { ExposedPorts: c.ExposedPorts } : {}),
    Tty: !!c.Tty,
    OpenStdin: !!c.OpenStdin,
    StdinOnce: !!c.StdinOnce,
    Env: c.Env ?? [],
    Cmd: c.Cmd ?? null,
    ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
    ...(c.ArgsEscaped ? { ArgsEscaped: true } : {}),
    Image: imageRef,
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    ...(c.NetworkDisabled ? { NetworkDisabled: true } : {}),
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? {},
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.StopTimeout != null ? { StopTimeout: c.StopTimeout } : {}),
    ...(c.Shell ? { Shell: c.Shell } : {}),
  };
}

/** HostConfig with Docker's defaults for fields clients read back. */
export function completeHostConfig(h: any, networkMode: string): RecordedHostConfig {
  const hc: any = { ...(h ?? {}) };
  hc.NetworkMode = networkMode;
  hc.RestartPolicy = hc.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
  if (!hc.RestartPolicy.Name) hc.RestartPolicy = { Name: 'no', MaximumRetryCount: hc.RestartPolicy.MaximumRetryCount ?? 0 };
  // create merges the daemon's default in first (log-config.ts); this is for records made before that
  hc.LogConfig = hc.LogConfig?.Type ? hc.LogConfig : { Type: 'json-file', Config: {} };
  hc.Binds = hc.Binds ?? null;
  hc.PortBindings = hc.PortBindings ?? {};
  hc.AutoRemove = !!hc.AutoRemove;
  hc.VolumeDriver = hc.VolumeDriver ?? '';
  hc.VolumesFrom = hc.VolumesFrom ?? null;
  hc.CapAdd = hc.CapAdd ?? null;
  hc.CapDrop = hc.CapDrop ?? null;
  hc.CgroupnsMode = hc.CgroupnsMode || 'private';
  hc.Dns = hc.Dns ?? [];
  hc.DnsOptions = hc.DnsOptions ?? [];
  hc.DnsSearch = hc.DnsSearch ?? [];
  hc.ExtraHosts = hc.ExtraHosts ?? null;
  hc.GroupAdd = hc.GroupAdd ?? null;
  hc.IpcMode = hc.IpcMode || 'private';
  hc.Cgroup = hc.Cgroup ?? '';
  hc.Links = hc.Links ?? null;
  hc.OomScoreAdj = hc.OomScoreAdj ?? 0;
  hc.PidMode = hc.PidMode ?? '';
  hc.Privileged = !!hc.Privileged;
  hc.PublishAllPorts = !!hc.PublishAllPorts;
  hc.ReadonlyRootfs = !!hc.ReadonlyRootfs;
  hc.SecurityOpt = hc.SecurityOpt ?? null;
  hc.UTSMode = hc.UTSMode ?? '';
  hc.UsernsMode = hc.UsernsMode ?? '';
  hc.ShmSize = hc.ShmSize || 64 * 1024 * 1024;
  hc.Runtime = hc.Runtime ?? 'runc';
  hc.Isolation = hc.Isolation ?? '';
  hc.Memory = hc.Memory ?? 0;
  hc.MemorySwap = hc.MemorySwap ?? 0;
  hc.NanoCpus = hc.NanoCpus ?? 0;
  hc.CpuShares = hc.CpuShares ?? 0;
  hc.PidsLimit = hc.PidsLimit ?? null;
  hc.Ulimits = hc.Ulimits ?? null;
  hc.Mounts = hc.Mounts ?? undefined;
  hc.MaskedPaths = hc.MaskedPaths ?? undefined;
  hc.ReadonlyPaths = hc.ReadonlyPaths ?? undefined;
  return hc;
}
