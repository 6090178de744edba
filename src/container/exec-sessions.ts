import type { ProcessConfig } from '../common/engine-api/types.js';
import { NoSuchExecError } from '../common/errors.js';

/** One `docker exec` instance (kept in memory, as Docker does). */
export interface ExecRecord {
  id: string;
  containerId: string;
  config: {
    Cmd: string[]; User: string; Env: string[]; WorkingDir: string; Tty: boolean; Privileged: boolean;
    AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean; DetachKeys: string; ConsoleSize?: number[] | null;
  };
  running: boolean;
  exitCode: number | null;
  pid: number;
  conmonPid: number;
  dir: string;            // conmon's monitor dir for this exec
  started: boolean;
  canRemove: boolean;
}

/** Exec instances by id; ExecIDs of a container in creation order. */
export class ExecSessions {
  private execs = new Map<string, ExecRecord>();

  add(rec: ExecRecord): void { this.execs.set(rec.id, rec); }

  get(id: string): ExecRecord {
    const rec = this.execs.get(id);
    if (!rec) throw new NoSuchExecError(id);
    return rec;
  }

  ofContainer(containerId: string): ExecRecord[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId);
  }

  dropContainer(containerId: string): void {
    for (const e of this.ofContainer(containerId)) this.execs.delete(e.id);
  }
}

/** Docker's ExecInspectResponse. */
/** Docker's exec inspect body (GET /exec/{id}/json). */
export interface ExecInspectView {
  CanRemove: boolean;
  DetachKeys: string;
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: Required<ProcessConfig>;
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  ContainerID: string;
  Pid: number;
}

export function execInspectView(e: ExecRecord): ExecInspectView {
  return {
    CanRemove: e.canRemove,
    DetachKeys: e.config.DetachKeys,
    ID: e.id,
    Running: e.running,
    ExitCode: e.exitCode,
    ProcessConfig: {
      privileged: e.config.Privileged,
      user: e.config.User,
      tty: e.config.Tty,
      entrypoint: e.config.Cmd[0],
      arguments: e.config.Cmd.slice(1),
    },
    OpenStdin: e.config.AttachStdin,
    OpenStderr: e.config.AttachStderr,
    OpenStdout: e.config.AttachStdout,
    ContainerID: e.containerId,
    Pid: e.pid,
  };
}
