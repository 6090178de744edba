/**
 * berth's own SBOM endpoints (docs/sbom.md):
 *   GET /berth/images/{name}/sbom?format=json|spdx-json|cyclonedx-json
 *   GET /berth/containers/{id}/sbom?format=…
 * `json` (the default) is berth's SBOM model; the others are the standard documents, served with
 * their own media types. A missing image or container answers 404 with Docker's wording. The SBOM
 * attached to an image is served by ./attached-sbom.ts (GET /berth/images/{name}/sbom/attached).
 */
import type { Ctx, Router } from '../router.js';
import { formatSbom, isSbomDocumentFormat, sbomMediaType, SBOM_DOCUMENT_FORMATS } from '../../sbom/format/index.js';
import { InvalidArgumentError } from '../../common/errors.js';
import type { SbomTarget } from '../../engine/sbom-ops.js';
import { attachedSbomInfo } from '../../engine/attached-sbom.js';

async function sendSbom(ctx: Ctx, target: SbomTarget): Promise<void> {
  const format = ctx.query.str('format') || 'json';
  if (!isSbomDocumentFormat(format)) {
    throw new InvalidArgumentError(`unknown SBOM format "${format}": use one of ${SBOM_DOCUMENT_FORMATS.join(', ')}`, 'ERR_SBOM_OUTPUT_FORMAT');
  }
  // a client that goes away stops the catalogers
  const abort = new AbortController();
  ctx.res.on('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
  const sbom = await ctx.engine.sbom(target, { signal: abort.signal });
  const data = Buffer.from(JSON.stringify(formatSbom(sbom, format)) + '\n');
  const attached = 'image' in target ? attachedSbomInfo(ctx.engine, target.image) : undefined;
  ctx.res.writeHead(200, {
    'Content-Type': sbomMediaType(format),
    'Content-Length': data.length,
    // the SBOM is incomplete when a package database could not be read: say so without parsing the body
    'X-Berth-Sbom-Warnings': String(sbom.warnings.length),
    // the image also has an SBOM attached at build time or pulled with it (GET …/sbom/attached gives it)
    ...(attached ? { 'X-Berth-Sbom-Attached': attached.referrer.digest } : {}),
  });
  ctx.res.end(data);
}

export function sbomRoutes(r: Router): void {
  r.get('/berth/images/(.+)/sbom', (ctx) => sendSbom(ctx, { image: ctx.params[0]! }));
  r.get('/berth/containers/([^/]+)/sbom', (ctx) => sendSbom(ctx, { container: ctx.params[0]! }));
}
