/** GET /containers/{id}/stats (stream and one-shot), POST /containers/{id}/update, GET /system/df. */
import type { Router } from '../router.js';
import { compareVersions, sendJson } from '../http.js';
import { readBody } from '../request-body.js';
import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { shapeDiskUsage } from '../../engine/disk-usage.js';

const ID = '/containers/([^/]+)';
const STREAM_INTERVAL_MS = 1000;

export function statsRoutes(r: Router): void {
  r.get(`${ID}/stats`, async ({ req, res, params, query, engine }) => {
    const containers = engine.containers;
    const stream = query.bool('stream', true);
    const oneShot = query.bool('one-shot', false);
    if (oneShot && stream) throw new InvalidArgumentError('cannot have stream=true and one-shot=true');
    const id = containers.inspect(params[0]).Id as string; // 404 before any output
    if (!stream) {
      // without a recent sample, wait one interval so precpu_stats (and CPU %) is real, as Docker does
      let prev = undefined;
      if (!oneShot && !containers.hasRecentStats(id) && containers.inspect(id).State.Running) {
        prev = containers.statsSample(id);
        await new Promise((resolve) => setTimeout(resolve, STREAM_INTERVAL_MS));
      }
      sendJson(res, 200, containers.statsSample(id, prev).json);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let prev = containers.statsSample(id);
    res.write(JSON.stringify(prev.json) + '\n');
    const timer = setInterval(() => {
      try {
        prev = containers.statsSample(id, prev);
        res.write(JSON.stringify(prev.json) + '\n');
      } catch (e) {
        if (e instanceof NotFoundError) { clearInterval(timer); res.end(); return; }
        throw e;
      }
    }, STREAM_INTERVAL_MS);
    const stop = () => { clearInterval(timer); if (!res.writableEnded) res.end(); };
    req.on('close', stop);
    res.on('close', stop);
  });

  r.post(`${ID}/update`, async (ctx) => {
    const body = await readBody(ctx, 'ContainerUpdate');
    sendJson(ctx.res, 200, await ctx.engine.containers.update(ctx.params[0], body));
  });

  r.get('/system/df', async ({ res, query, engine, version }) => {
    const types = query.all('type');
    const du = await engine.diskUsage(types);
    sendJson(res, 200, shapeDiskUsage(du, version, query.bool('verbose', false), compareVersions));
  });
}
