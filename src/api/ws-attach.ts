/**
 * GET /containers/{id}/attach/ws: a container's stdio over a WebSocket. Messages from the client go
 * to stdin; output arrives unframed (like a TTY attach), in binary frames from API v1.28 on and in
 * text frames before (CHANGELOG v1.28).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { Ctx } from './router.js';
import { InvalidArgumentError } from '../common/errors.js';
import { compareVersions } from './http.js';

const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

export async function attachWebSocket(ctx: Ctx): Promise<void> {
  const up = ctx.upgrade;
  if (!up || String(ctx.req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw new InvalidArgumentError('attach/ws needs a WebSocket upgrade request');
  }
  const { query } = ctx;
  const id = ctx.params[0];
  ctx.engine.containers.inspect(id); // 404 before the upgrade
  // from API 1.42 stdin/stdout/stderr choose the streams; before, they are ignored and all streams attach
  const legacy = compareVersions(ctx.version, '1.42') < 0;
  const stdin = legacy || query.bool('stdin');
  const stdout = legacy || query.bool('stdout');
  const stderr = legacy || query.bool('stderr');
  const binary = compareVersions(ctx.version, '1.28') >= 0;
  const io = await ctx.engine.containers.attach(id, { stdin, stdout, stderr });
  const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(ctx.req, up.socket as never, up.head, resolve));
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
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (!stdin) return;
    io.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on('close', () => { closed = true; io.close(); });
  ws.on('error', () => io.close());
}
