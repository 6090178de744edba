/**
 * `/ui/exec/{id}/ws`: an exec instance (created through /engine/containers/{id}/exec, usually with Tty)
 * started over a WebSocket, which is what a browser terminal can speak (it cannot hijack an HTTP
 * connection the way `docker exec` does). Messages from the page go to the process's stdin; its output
 * comes back in binary messages; the socket closes when the process ends (its exit code is in
 * /engine/exec/{id}/json). Resizing goes through /engine/exec/{id}/resize.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/engine.js';
import { ConflictError, NotRunningError, toBerthError } from '../common/errors.js';

const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

export async function execTerminal(engine: Engine, req: IncomingMessage, socket: Duplex, head: Buffer, execId: string): Promise<void> {
  // what can be refused with a status code is refused before the upgrade
  const inspect = engine.containers.execInspect(execId);
  if (inspect.Running || inspect.ExitCode !== null) throw new ConflictError(`exec ${execId} has already run`, 'ERR_EXEC_STARTED');
  const state = engine.containers.inspect(inspect.ContainerID).State;
  if (!state?.Running) throw new NotRunningError(inspect.ContainerID);
  if (state.Paused) throw new ConflictError(`Container ${inspect.ContainerID} is paused, unpause the container before exec`, 'ERR_PAUSED');
  const tty = Boolean(inspect.ProcessConfig?.tty);
  const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, socket as never, head, resolve));
  let io;
  try {
    io = await engine.execStart(execId, { Detach: false, Tty: tty });
  } catch (e) {
    // as Docker writes a start error into the stream: the terminal shows it
    if (ws.readyState === ws.OPEN) ws.send(Buffer.from(`${toBerthError(e).message}\r\n`), { binary: true });
    ws.close(1011, 'exec failed');
    return;
  }
  if (!io) { ws.close(1000); return; }
  let ended = false;
  io.onOutput((_stream, data) => { if (ws.readyState === ws.OPEN) ws.send(data, { binary: true }); });
  io.onEnd(() => { ended = true; if (ws.readyState === ws.OPEN) ws.close(1000, 'exited'); });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (ended || !inspect.OpenStdin) return;
    io.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on('close', () => {
    if (ended) return;
    io.close();
    // a closed tab hangs up the terminal, as closing a terminal window does: without it every closed tab
    // would leave a shell waiting for input in the container
    if (tty) hangUp(engine, execId);
  });
  ws.on('error', () => io.close());
}

function hangUp(engine: Engine, execId: string): void {
  try {
    const x = engine.containers.execInspect(execId);
    if (x.Running && x.Pid > 0) process.kill(x.Pid, 'SIGHUP');
  } catch { /* it ended meanwhile */ }
}
