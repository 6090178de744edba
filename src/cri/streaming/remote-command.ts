/**
 * Exec and attach over the kubelet's remote-command WebSocket protocols (pkg/kubelet/cri/streaming/
 * remotecommand): channels stdin 0, stdout 1, stderr 2, error 3, resize 4. The error channel carries
 * the end: from v4 on a metav1.Status JSON (Success, or Failure with reason NonZeroExitCode and the
 * exit code as the cause, which kubectl turns into its own exit code), before v4 only a failure's text.
 */
import type { Engine } from '../../engine/engine.js';
import type { AttachIO } from '../../container/manager.js';
import type { ChannelConnection } from './channels.js';
import type { CachedRequest } from './request-cache.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;

type ExecReq = Extract<CachedRequest, { kind: 'exec' }>;
type AttachReq = Extract<CachedRequest, { kind: 'attach' }>;

/** metav1.Status of a finished command (k8s.io/apimachinery's JSON field names and order). */
export function commandStatus(exitCode: number | null, error?: string): object {
  if (error !== undefined || exitCode === null) {
    const message = error ?? 'the exit code of the command is unknown';
    return { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
  }
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Write the end on the error channel as the negotiated protocol wants it, then close. */
async function finish(conn: ChannelConnection, exitCode: number | null, error?: string): Promise<void> {
  const st = commandStatus(exitCode, error) as { status: string; message?: string };
  if (conn.version >= 4) await conn.write(ERROR, Buffer.from(JSON.stringify(st)));
  else if (st.status !== 'Success') await conn.write(ERROR, Buffer.from(st.message ?? ''));
  conn.close();
}

/** The resize channel's JSON ({"Width":80,"Height":24}), one or more objects per message. */
function onResize(conn: ChannelConnection, apply: (h: number, w: number) => Promise<void>): void {
  let pending = '';
  conn.onData(RESIZE, (data) => {
    pending += data.toString();
    for (const m of pending.match(/\{[^{}]*\}/g) ?? []) {
      try {
        const size = JSON.parse(m) as { Width?: number; Height?: number };
        if (size.Width && size.Height) void apply(size.Height, size.Width).catch(() => undefined);
      } catch { /* a malformed size is dropped, as the kubelet's decoder gives up on it */ }
    }
    pending = pending.slice(pending.lastIndexOf('}') + 1);
  });
}

/** Wire a stdio stream to the channels; `wantOut/wantErr` say which output channels the client asked for. */
function pipe(conn: ChannelConnection, io: AttachIO, o: { stdin: boolean; stdout: boolean; stderr: boolean }): void {
  io.onOutput((stream, data) => {
    if (stream === 'stdout' && o.stdout) void conn.write(STDOUT, data);
    else if (stream === 'stderr' && o.stderr) void conn.write(STDERR, data);
  });
  if (o.stdin) {
    conn.onData(STDIN, (data) => io.write(data));
    conn.onChannelClose(STDIN, () => io.closeStdin());
  }
}

/** The kubelet tells the client the streams are ready with an empty message on the lowest output channel. */
function ready(conn: ChannelConnection, o: { stdout: boolean; stderr: boolean }): Promise<void> {
  return conn.write(o.stdout ? STDOUT : o.stderr ? STDERR : ERROR, Buffer.alloc(0));
}

export async function serveExec(engine: Engine, conn: ChannelConnection, req: ExecReq): Promise<void> {
  const mgr = engine.containers;
  let execId: string;
  let io: AttachIO | null;
  try {
    ({ Id: execId } = await mgr.execCreate(req.containerId, {
      Cmd: req.cmd, Tty: req.tty, AttachStdin: req.stdin, AttachStdout: req.stdout || req.tty, AttachStderr: req.stderr,
    }));
    io = await engine.execStart(execId, { Detach: false, Tty: req.tty });
  } catch (e) {
    await ready(conn, req);
    return finish(conn, null, (e as Error).message);
  }
  if (!io) return finish(conn, null, 'the exec gave no stream');
  const stream = io;
  let ended = false;
  // the client went away mid-command: containerd kills the exec with the request's context, and so do we
  conn.onClose(() => {
    stream.close();
    if (ended) return;
    const pid = mgr.execInspect(execId).Pid;
    if (pid > 0) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ } }
  });
  pipe(conn, stream, { stdin: req.stdin, stdout: req.stdout || req.tty, stderr: req.stderr && !req.tty });
  if (req.tty) onResize(conn, (h, w) => mgr.execResize(execId, h, w));
  await ready(conn, req);
  await new Promise<void>((resolve) => stream.onEnd(resolve));
  ended = true;
  const code = await mgr.waitExec(execId, 10_000);
  await finish(conn, code);
}

export async function serveAttach(engine: Engine, conn: ChannelConnection, req: AttachReq): Promise<void> {
  const mgr = engine.containers;
  let io: AttachIO;
  try {
    const rec = mgr.inspect(req.containerId);
    if (!rec.State.Running) throw new Error(`container ${rec.Id} is not running`);
    io = await mgr.attach(req.containerId, { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
  } catch (e) {
    await ready(conn, req);
    return finish(conn, null, (e as Error).message);
  }
  conn.onClose(() => io.close());
  pipe(conn, io, req);
  if (req.tty) onResize(conn, (h, w) => mgr.resize(req.containerId, h, w));
  await ready(conn, req);
  await new Promise<void>((resolve) => io.onEnd(resolve));
  // attach reports no exit code: the container's end is a successful end of the stream
  await finish(conn, 0);
}
