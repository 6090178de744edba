/**
 * berth's own scan endpoints (docs/scan.md):
 *   POST /berth/scan/db/import   body: a zip or one OSV JSON file (uploaded; ?name= the source, ?path= where it
 *                                came from), or `{"Paths": [...]}` as application/json (paths on the daemon's host)
 *   GET  /berth/scan/db/status
 *   GET  /berth/images/{name}/scan        ?severity=HIGH,CRITICAL&ignoreUnfixed=1 (default: every finding)
 *   GET  /berth/containers/{id}/scan
 *   POST /berth/scan/sbom                 body: an SBOM in berth's model (`berth sbom --format json`)
 * The report is the ScanReport model; `X-Berth-Scan-Incomplete: 1` says warnings left packages unchecked.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Ctx, Router } from '../router.js';
import { BerthError, InvalidArgumentError } from '../../common/errors.js';
import { readJson, sendJson } from '../http.js';
import { parseSeverities } from '../../scan/filter.js';
import type { SbomTarget } from '../../engine/sbom-ops.js';
import { scanOfSbom, type ScanOptions } from '../../engine/scan-ops.js';
import type { ScanReport } from '../../scan/types.js';
import type { Sbom } from '../../sbom/types.js';

/** osv.dev's largest ecosystem zips are a few hundred MB; more than this is not an advisory archive. */
const MAX_UPLOAD = 4 * 1024 * 1024 * 1024;

function scanOptions(ctx: Ctx): ScanOptions {
  const sev = ctx.query.str('severity');
  return { ignoreUnfixed: ctx.query.bool('ignoreUnfixed'), ...(sev ? { severities: parseSeverities(sev) } : {}) };
}

function sendReport(ctx: Ctx, report: ScanReport): void {
  ctx.res.setHeader('X-Berth-Scan-Incomplete', report.incomplete ? '1' : '0');
  sendJson(ctx.res, 200, report);
}

async function scanTarget(ctx: Ctx, target: SbomTarget): Promise<void> {
  const abort = new AbortController();
  ctx.res.on('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
  sendReport(ctx, await ctx.engine.scan(target, { ...scanOptions(ctx), signal: abort.signal }));
}

/** The upload to a file of the daemon's own (under its root's tmp), named by what it is. */
async function spoolUpload(ctx: Ctx): Promise<{ dir: string; file: string }> {
  await mkdir(ctx.engine.paths.tmp, { recursive: true });
  const dir = await mkdtemp(join(ctx.engine.paths.tmp, 'osv-upload-'));
  const part = join(dir, 'upload');
  let size = 0;
  let first = -1;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (first < 0 && chunk.length) first = chunk[0]!;
      size += chunk.length;
      cb(size > MAX_UPLOAD ? new BerthError(`upload too large (limit ${MAX_UPLOAD} bytes)`, { code: 'ERR_BODY_TOO_LARGE', status: 413 }) : null, chunk);
    },
  });
  try {
    await pipeline(ctx.req, limit, createWriteStream(part));
  } catch (e) { await rm(dir, { recursive: true, force: true }); throw e; }
  // a zip starts "PK"; one advisory starts "{" (after any whitespace the sender left)
  const ext = first === 0x50 ? '.zip' : '.json';
  const file = part + ext;
  await rename(part, file);
  return { dir, file };
}

export function scanRoutes(r: Router): void {
  r.post('/berth/scan/db/import', async (ctx) => {
    const type = String(ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json') {
      const body = await readJson<{ Paths?: unknown }>(ctx.req);
      if (!Array.isArray(body.Paths) || body.Paths.length === 0 || !body.Paths.every((p) => typeof p === 'string' && p !== '')) {
        throw new InvalidArgumentError('Paths must be a non-empty list of paths on the daemon\'s host (or upload a zip or a JSON file as the body)', 'ERR_SCAN');
      }
      sendJson(ctx.res, 200, await (await ctx.engine.scanDb()).import(body.Paths as string[], { name: ctx.query.str('name') || undefined }));
      return;
    }
    const { dir, file } = await spoolUpload(ctx);
    try {
      const name = ctx.query.str('name') || 'upload';
      const shown = ctx.query.str('path') || name;
      sendJson(ctx.res, 200, await (await ctx.engine.scanDb()).import([file], { name, shownPath: shown }));
    } finally { await rm(dir, { recursive: true, force: true }); }
  });

  r.get('/berth/scan/db/status', async (ctx) => sendJson(ctx.res, 200, (await ctx.engine.scanDb()).status()));

  r.get('/berth/images/(.+)/scan', (ctx) => scanTarget(ctx, { image: ctx.params[0]! }));
  r.get('/berth/containers/([^/]+)/scan', (ctx) => scanTarget(ctx, { container: ctx.params[0]! }));

  r.post('/berth/scan/sbom', async (ctx) => {
    const sbom = await readJson<Sbom>(ctx.req);
    if (!sbom || !Array.isArray(sbom.packages) || typeof sbom.source !== 'object' || !Array.isArray(sbom.warnings)
      || !sbom.packages.every((p) => p && typeof p.name === 'string' && typeof p.version === 'string' && typeof p.type === 'string' && typeof p.purl === 'string')) {
      throw new InvalidArgumentError('the body must be an SBOM in berth\'s model (`berth sbom --format json`)', 'ERR_SCAN');
    }
    sendReport(ctx, await scanOfSbom(ctx.engine, sbom, scanOptions(ctx)));
  });
}
