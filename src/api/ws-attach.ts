/**
 * GET /containers/{id}/attach/ws: a container's stdio over a WebSocket. Messages from the client go
 * to stdin; output arrives unframed (like a TTY attach), in binary frames from API v1.28 on and in
 * text frames before (CHANGELOG v1.28).
 */
import type { WebSocket, WebSocketServer } from 'ws';
import type { Ctx } from './router.js';
import { InvalidArgumentError } from '../common/errors.js';
import { compareVersions } from './http.js';
import { detachKeysOf } from './streams.js';
import { DetachKeyFilter } from '../common/detach-keys.js';

// ws (14 modules) is imported on the first WebSocket attach, not with the daemon (docs/performance.md#memory)
let wss: WebSocketServer | undefined;
async function webSocketServer(): Promise<WebSocketServer> {
  wss ??= new (await import('ws')).WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  return wss;
}

export async function attachWebSocket(ctx: Ctx): Promise<void> {
  const up = ctx.upgrade;
  if (!up || String(ctx.req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw new InvalidArgumentError('attach/ws needs a WebSocket upgrade request');
  }
  const { query } = ctx;
  const id = ctx.params[0];
  const info = ctx.engine.containers.inspect(id); // 404 before the upgrade
  const detachKeys = detachKeysOf(query.str('detachKeys')); // 400 before it too
  // from API 1.42 stdin/stdout/stderr choose the streams; before, they are ignored and all streams attach
  const legacy = compareVersions(ctx.version, '1.42') < 0;
  const stdin = legacy || query.bool('stdin');
  const stdout = legacy || query.bool('stdout');
  const stderr = legacy || query.bool('stderr');
  const binary = compareVersions(ctx.version, '1.28') >= 0;
  const server = await webSocketServer(); // before the attach: nothing to undo if it fails
  const io = await ctx.engine.containers.attach(id, { stdin, stdout, stderr });
  const ws = await new Promise<WebSocket>((resolve) => server.handleUpgrade(ctx.req, up.socket as never, up.head, resolve));
  const send = (data: Buffer) => { if (ws.readyState === ws.OPEN) ws.send(binary ? data : data.toString('utf8'), { binary }); };
  let closed = false;
  const finish = () => { if (!closed) { closed = true; ws.close(1000); } };
  if (query.bool('logs')) {
    for await (const e of ctx.engine.containers.logs(id, { stdout, stderr })) send(e.data);
    if (!query.bool('stream')) { io.close(); finish(); return; }
  }
  io.onOutput((stream, data) => {
    if ((stream === 'stdout' && !stdout) || (stream === 'stderr' && !stderr)) return;
    send(data);
  });
  io.onEnd(finish);
  // on a TTY the detach keys end the attach, the container keeps running (as dockerd)
  const filter = info.Config?.Tty && detachKeys.length ? new DetachKeyFilter(detachKeys) : undefined;
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (!stdin || closed) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!filter) { io.write(buf); return; }
    const { data: out, detach } = filter.feed(buf);
    if (out.length) io.write(out);
    if (detach) { io.close(); ctx.engine.containers.noteDetach(info.Id); finish(); }
  });
  ws.on('close', () => { closed = true; io.close(); });
  ws.on('error', () => io.close());
}
