/**
 * The RuntimeService's ExecSync, Exec, Attach and PortForward (a handler set that cri-core's runtime
 * service merges in). ExecSync runs the command through the engine's exec and answers its output and
 * exit code; the three streaming calls answer a single-use URL of the streaming server (streaming/),
 * where the client then speaks the kubelet's WebSocket protocols.
 */
import { status } from '@grpc/grpc-js';
import type { Engine } from '../engine/engine.js';
import type { GrpcHandlers } from './context.js';
import { grpcError, int64, unary } from './streaming/grpc-status.js';
import type { StreamingServer } from './streaming/server.js';

/**
 * The kubelet takes gRPC messages of up to 16 MiB: ExecSync keeps at most this much of stdout and
 * stderr together (the rest is dropped, as CRI-O caps it), so the answer always fits.
 */
export const EXEC_SYNC_OUTPUT_LIMIT = (16 << 20) - 4096;

export interface ExecSyncResult { stdout: Buffer; stderr: Buffer; exitCode: number; timedOut: boolean }

/**
 * Run `cmd` in a running container and collect its output; after `timeoutSeconds` (0: none) the
 * process is killed (SIGKILL) and the result says so. Output beyond the limit is dropped.
 */
export async function execSync(engine: Engine, containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
  const mgr = engine.containers;
  const { Id } = await mgr.execCreate(containerId, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const io = await engine.execStart(Id, { Detach: false, Tty: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = 0;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  if (io) {
    await new Promise<void>((resolve) => {
      io.onOutput((stream, data) => {
        if (size >= EXEC_SYNC_OUTPUT_LIMIT) return;
        const part = data.subarray(0, EXEC_SYNC_OUTPUT_LIMIT - size);
        size += part.length;
        (stream === 'stderr' ? err : out).push(part);
      });
      io.onEnd(resolve);
      if (timeoutSeconds > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          const pid = mgr.execInspect(Id).Pid;
          if (pid > 0) { try { process.kill(pid, 'SIGKILL'); } catch { /* exited meanwhile */ } }
          // conmon ends the stream once the process is gone; do not wait for it longer than that
          setTimeout(() => { io.close(); resolve(); }, 5_000).unref();
        }, timeoutSeconds * 1000);
      }
    });
  }
  clearTimeout(timer);
  const code = await mgr.waitExec(Id, 10_000);
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: code ?? -1, timedOut };
}

interface ExecSyncRequest { container_id?: string; cmd?: string[]; timeout?: unknown }
interface ExecRequest { container_id?: string; cmd?: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
interface AttachRequest { container_id?: string; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
interface PortForwardRequest { pod_sandbox_id?: string; port?: number[] }

/**
 * Which engine containers the CRI's calls may reach: only its own (the `k8s.io` namespace), resolved
 * from the CRI's IDs (prefixes too). cri-core's services provide this (see streaming-wiring.ts).
 */
export interface StreamingTargets {
  /** the engine ID of a CRI container; throws NotFound for anything else */
  container(id: string): string;
  /** a pod sandbox's engine ID (its pause container's) and network namespace (undefined: host network) */
  sandbox(id: string): { id: string; netns: string | undefined };
}

function requireId(id: string | undefined, what: string): string {
  if (!id) throw grpcError(status.INVALID_ARGUMENT, `${what} is required`);
  return id;
}

/** A running container (FAILED_PRECONDITION otherwise). */
function mustRun(engine: Engine, id: string, what = 'container'): string {
  const rec = engine.containers.inspect(id);
  if (!rec.State.Running) throw grpcError(status.FAILED_PRECONDITION, `${what} ${rec.Id} is not running (state: ${rec.State.Status})`);
  return rec.Id;
}

/** The kubelet's streaming server checks (ValidateExecRequest / ValidateAttachRequest). */
function checkStreams(r: { tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }): void {
  if (r.tty && r.stderr) throw grpcError(status.INVALID_ARGUMENT, 'tty and stderr cannot both be true');
  if (!r.stdin && !r.stdout && !r.stderr) throw grpcError(status.INVALID_ARGUMENT, 'one of stdin, stdout, or stderr must be set');
}

export function streamingHandlers(engine: Engine, server: StreamingServer, targets: StreamingTargets): GrpcHandlers {
  const running = (id: string | undefined) => mustRun(engine, targets.container(requireId(id, 'container_id')));
  return {
    ExecSync: unary(async (req: ExecSyncRequest) => {
      const id = running(req.container_id);
      const cmd = req.cmd ?? [];
      if (cmd.length === 0) throw grpcError(status.INVALID_ARGUMENT, 'cmd is required');
      const timeout = int64(req.timeout);
      const r = await execSync(engine, id, cmd, timeout);
      // containerd: the process is killed and the call fails with DeadlineExceeded
      if (r.timedOut) throw grpcError(status.DEADLINE_EXCEEDED, `timeout ${timeout}s exceeded: command ${JSON.stringify(cmd)} was killed`);
      return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exitCode };
    }),
    Exec: unary((req: ExecRequest) => {
      const id = running(req.container_id);
      const cmd = req.cmd ?? [];
      if (cmd.length === 0) throw grpcError(status.INVALID_ARGUMENT, 'cmd is required');
      checkStreams(req);
      return { url: server.urlFor({ kind: 'exec', containerId: id, cmd, tty: !!req.tty, stdin: !!req.stdin, stdout: !!req.stdout, stderr: !!req.stderr }) };
    }),
    Attach: unary((req: AttachRequest) => {
      const id = running(req.container_id);
      checkStreams(req);
      return { url: server.urlFor({ kind: 'attach', containerId: id, tty: !!req.tty, stdin: !!req.stdin, stdout: !!req.stdout, stderr: !!req.stderr }) };
    }),
    PortForward: unary((req: PortForwardRequest) => {
      const sb = targets.sandbox(requireId(req.pod_sandbox_id, 'pod_sandbox_id'));
      mustRun(engine, sb.id, 'pod sandbox');
      const ports = (req.port ?? []).map(Number);
      if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw grpcError(status.INVALID_ARGUMENT, `invalid port in ${JSON.stringify(req.port)}: ports are 1-65535`);
      return { url: server.urlFor({ kind: 'portforward', sandboxId: sb.id, ports, netns: sb.netns }) };
    }),
  };
}
