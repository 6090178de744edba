import type { Router, Ctx } from '../router.js';
import { detachKeysOf, frame, hijack, pipeAttach } from '../streams.js';
import { ConflictError, InvalidArgumentError, NotRunningError, NotSupportedError, toBerthError } from '../../common/errors.js';
import { compareVersions, parseTimestamp, readJson, sendEmpty, sendJson } from '../http.js';
import { readBody } from '../request-body.js';
import { pipeline } from 'node:stream/promises';
import { shapeContainerInspect } from '../versions/shape.js';
import { attachWebSocket } from '../ws-attach.js';
import type { ContainerSpec } from '../../engine/public-types.js';

const ID = '/containers/([^/]+)';

function signalParam(ctx: Ctx): string | undefined {
  return ctx.query.str('signal') || undefined;
}

/** Docker's timeout query: `t` (seconds); -1 means wait forever. */
function timeoutParam(ctx: Ctx): number | undefined {
  return ctx.query.int('t') ?? ctx.query.int('timeout');
}

export function containerRoutes(r: Router): void {
  r.post('/containers/create', async (ctx) => {
    const body = await readBody(ctx, 'ContainerCreate');
    const name = ctx.query.str('name') || undefined;
    // the body is checked by create itself (Docker's messages); the engine's typed spec is for library callers
    const out = await ctx.engine.create(body as ContainerSpec, name);
    sendJson(ctx.res, 201, out);
  });

  r.get('/containers/json', (ctx) => {
    sendJson(ctx.res, 200, ctx.engine.containers.list({
      all: ctx.query.bool('all'),
      limit: ctx.query.int('limit'),
      size: ctx.query.bool('size'),
      filters: ctx.query.filters(),
    }));
  });

  r.post('/containers/prune', async (ctx) => {
    sendJson(ctx.res, 200, await ctx.engine.pruneContainers(ctx.query.filters()));
  });

  r.get(`${ID}/json`, (ctx) => {
    sendJson(ctx.res, 200, shapeContainerInspect(ctx.version, ctx.engine.containers.inspect(ctx.params[0], { size: ctx.query.bool('size') })));
  });

  r.post(`${ID}/start`, async (ctx) => {
    // clients before v1.24 could pass a HostConfig to start; berth takes it only at create
    if (compareVersions(ctx.version, '1.24') < 0) {
      const body = await readJson(ctx.req);
      if (body && typeof body === 'object' && Object.keys(body).length > 0) {
        throw new NotSupportedError('a HostConfig on container start (API < 1.24) is not supported; pass it to container create');
      }
    }
    const changed = await ctx.engine.start(ctx.params[0]);
    sendEmpty(ctx.res, changed === false ? 304 : 204);
  });

  r.post(`${ID}/stop`, async (ctx) => {
    const changed = await ctx.engine.stop(ctx.params[0], { signal: signalParam(ctx), timeout: timeoutParam(ctx) });
    sendEmpty(ctx.res, changed === false ? 304 : 204);
  });

  r.post(`${ID}/restart`, async (ctx) => {
    await ctx.engine.containers.restart(ctx.params[0], { signal: signalParam(ctx), timeout: timeoutParam(ctx) });
    sendEmpty(ctx.res, 204);
  });

  r.post(`${ID}/kill`, async (ctx) => {
    await ctx.engine.containers.kill(ctx.params[0], signalParam(ctx));
    sendEmpty(ctx.res, 204);
  });

  r.post(`${ID}/pause`, async (ctx) => { await ctx.engine.containers.pause(ctx.params[0]); sendEmpty(ctx.res, 204); });
  r.post(`${ID}/unpause`, async (ctx) => { await ctx.engine.containers.unpause(ctx.params[0]); sendEmpty(ctx.res, 204); });

  r.post(`${ID}/rename`, async (ctx) => {
    const name = ctx.query.str('name');
    if (!name) throw new InvalidArgumentError('name is required');
    await ctx.engine.containers.rename(ctx.params[0], name);
    sendEmpty(ctx.res, 204);
  });

  r.delete(ID, async (ctx) => {
    if (ctx.query.bool('link')) throw new InvalidArgumentError('legacy links are not supported');
    await ctx.engine.rm(ctx.params[0], { force: ctx.query.bool('force'), volumes: ctx.query.bool('v') });
    sendEmpty(ctx.res, 204);
  });

  r.post(`${ID}/wait`, async (ctx) => {
    const cond = (ctx.query.str('condition') || 'not-running') as 'not-running' | 'next-exit' | 'removed';
    if (!['not-running', 'next-exit', 'removed'].includes(cond)) throw new InvalidArgumentError(`invalid condition: "${cond}"`);
    const abort = new AbortController();
    ctx.req.on('close', () => abort.abort());
    const waiting = ctx.engine.containers.wait(ctx.params[0], cond, abort.signal);
    // Docker answers the headers at once, so a client knows the wait is armed before it starts the container.
    const first = await Promise.race([waiting.then(() => 'done'), new Promise((r) => setImmediate(() => r('pending')))]);
    if (first === 'pending') {
      ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
      ctx.res.flushHeaders();
    }
    const result = await waiting;
    if (!ctx.res.headersSent) ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    // Docker omits a nil Error (omitempty)
    ctx.res.end(JSON.stringify(result.Error ? result : { StatusCode: result.StatusCode }) + '\n');
  });

  r.get(`${ID}/logs`, async (ctx) => {
    const { query } = ctx;
    const stdout = query.bool('stdout');
    const stderr = query.bool('stderr');
    if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
    const info = ctx.engine.containers.inspect(ctx.params[0]);
    const tty = Boolean(info.Config?.Tty);
    const abort = new AbortController();
    ctx.req.on('close', () => abort.abort());
    const entries = ctx.engine.containers.logs(ctx.params[0], {
      follow: query.bool('follow'), stdout, stderr,
      since: parseTimestamp(query.str('since')), until: parseTimestamp(query.str('until')),
      timestamps: query.bool('timestamps'), tail: query.str('tail'),
    }, abort.signal);
    ctx.res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    ctx.res.flushHeaders();
    const ts = query.bool('timestamps');
    for await (const e of entries) {
      let data = e.data;
      if (ts) data = Buffer.concat([Buffer.from(e.time.toISOString().replace('Z', '000000Z').replace(/\.(\d{9})\d*Z$/, '.$1Z') + ' '), data]);
      ctx.res.write(tty ? data : frame(e.stream === 'stdout' ? 1 : 2, data));
    }
    ctx.res.end();
  });

  const attach = async (ctx: Ctx) => {
    const { query } = ctx;
    const info = ctx.engine.containers.inspect(ctx.params[0]);
    const tty = Boolean(info.Config?.Tty);
    const wantStdin = query.bool('stdin');
    const detachKeys = detachKeysOf(query.str('detachKeys'));
    const onDetach = () => ctx.engine.containers.noteDetach(info.Id);
    const io = await ctx.engine.containers.attach(ctx.params[0], { stdin: wantStdin, stdout: query.bool('stdout'), stderr: query.bool('stderr') });
    if (query.bool('logs')) {
      // replay what was already logged before going live
      const sock = hijack(ctx, tty);
      for await (const e of ctx.engine.containers.logs(ctx.params[0], { stdout: query.bool('stdout'), stderr: query.bool('stderr') })) {
        sock.write(tty ? e.data : frame(e.stream === 'stdout' ? 1 : 2, e.data));
      }
      if (!query.bool('stream')) { io.close(); sock.end(); return; }
      pipeAttach(io, sock, { tty, stdin: wantStdin, detachKeys, onDetach });
      return;
    }
    pipeAttach(io, hijack(ctx, tty), { tty, stdin: wantStdin, detachKeys, onDetach });
  };
  r.post(`${ID}/attach`, attach);
  r.get(`${ID}/attach/ws`, attachWebSocket);

  r.post(`${ID}/resize`, async (ctx) => {
    await ctx.engine.containers.resize(ctx.params[0], ctx.query.int('h') ?? 0, ctx.query.int('w') ?? 0);
    sendEmpty(ctx.res, 200);
  });

  r.get(`${ID}/top`, async (ctx) => {
    sendJson(ctx.res, 200, await ctx.engine.containers.top(ctx.params[0], ctx.query.str('ps_args')));
  });

  r.get(`${ID}/changes`, async (ctx) => {
    const ch = await ctx.engine.containers.changes(ctx.params[0]);
    sendJson(ctx.res, 200, ch.length ? ch : null);
  });

  r.get(`${ID}/export`, async (ctx) => {
    const tar = await ctx.engine.containers.export(ctx.params[0]);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await pipeline(tar, ctx.res);
  });

  const statHeader = (stat: unknown) => Buffer.from(JSON.stringify(stat)).toString('base64');
  r.head(`${ID}/archive`, async (ctx) => {
    const path = ctx.query.str('path');
    if (!path) throw new InvalidArgumentError('path is required');
    const stat = await ctx.engine.containers.archiveStat(ctx.params[0], path);
    ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(stat) });
    ctx.res.end();
  });
  r.get(`${ID}/archive`, async (ctx) => {
    const path = ctx.query.str('path');
    if (!path) throw new InvalidArgumentError('path is required');
    const { stat, tar } = await ctx.engine.containers.archiveGet(ctx.params[0], path);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': statHeader(stat) });
    await pipeline(tar, ctx.res);
  });
  r.put(`${ID}/archive`, async (ctx) => {
    const path = ctx.query.str('path');
    if (!path) throw new InvalidArgumentError('path is required');
    await ctx.engine.containers.archivePut(ctx.params[0], path, ctx.req, {
      noOverwriteDirNonDir: ctx.query.bool('noOverwriteDirNonDir'),
      copyUIDGID: ctx.query.bool('copyUIDGID'),
    });
    sendEmpty(ctx.res, 200);
  });

  // exec
  r.post(`${ID}/exec`, async (ctx) => {
    const body = await readBody(ctx, 'ContainerExec');
    if (!Array.isArray(body.Cmd) || body.Cmd.length === 0) throw new InvalidArgumentError('No exec command specified');
    if (body.DetachKeys) detachKeysOf(body.DetachKeys); // as dockerd: bad keys are refused at create, not at start
    sendJson(ctx.res, 201, await ctx.engine.containers.execCreate(ctx.params[0], body));
  });
  r.post('/exec/([^/]+)/start', async (ctx) => {
    const body = await readBody(ctx, 'ExecStart');
    const inspect = ctx.engine.containers.execInspect(ctx.params[0]);
    const tty = body.Tty ?? inspect.ProcessConfig?.tty ?? false;
    const detachKeys = detachKeysOf(inspect.DetachKeys);
    if (body.Detach) {
      await ctx.engine.execStart(ctx.params[0], { Detach: true, Tty: tty });
      sendEmpty(ctx.res, 200);
      return;
    }
    // Refuse what can be refused with a status code before the connection is taken over (as Docker does) ...
    if (inspect.Running || inspect.ExitCode !== null) throw new ConflictError(`Error: Exec command ${ctx.params[0]} has already run`, 'ERR_EXEC_STARTED');
    const state = ctx.engine.containers.inspect(inspect.ContainerID).State;
    if (!state?.Running) throw new NotRunningError(inspect.ContainerID);
    if (state.Paused) throw new ConflictError(`Container ${inspect.ContainerID} is paused, unpause the container before exec`, 'ERR_PAUSED');
    // ... then answer 101 before the process starts: clients that read the upgrade response through a
    // buffered reader (docker-py) lose output that arrives in the same read as the headers.
    const sock = hijack(ctx, tty);
    sock.pause(); // keep stdin (and its half-close) buffered until the process is there to take it
    let io;
    try {
      io = await ctx.engine.execStart(ctx.params[0], { Detach: false, Tty: tty });
    } catch (e) {
      // Docker writes the start error into the stream; the exit code (126/127) is in the exec's inspect
      const msg = Buffer.from(`${toBerthError(e).message}\r\n`);
      sock.end(tty ? msg : frame(1, msg));
      return;
    }
    if (!io) { sock.end(); return; }
    pipeAttach(io, sock, { tty, stdin: Boolean(inspect.OpenStdin), detachKeys, onDetach: () => ctx.engine.containers.noteDetach(inspect.ContainerID, ctx.params[0]) });
  });
  r.post('/exec/([^/]+)/resize', async (ctx) => {
    // a client resizes right after the 101 of exec start, possibly before the process runs: wait for it as Docker does
    const end = Date.now() + 10_000;
    for (let i = 0; i < 1000 && Date.now() < end; i++) {
      const x = ctx.engine.containers.execInspect(ctx.params[0]);
      if (x.Running || x.ExitCode !== null) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    await ctx.engine.containers.execResize(ctx.params[0], ctx.query.int('h') ?? 0, ctx.query.int('w') ?? 0);
    sendEmpty(ctx.res, 200);
  });
  r.get('/exec/([^/]+)/json', (ctx) => {
    sendJson(ctx.res, 200, ctx.engine.containers.execInspect(ctx.params[0]));
  });
}
