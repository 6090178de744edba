/**
 * berth's own SBOM endpoints (docs/sbom.md):
 *   GET /berth/images/{name}/sbom?format=json|spdx-json|cyclonedx-json
 *   GET /berth/images/{name}/sbom?attached=1     the SPDX document attached to the image (build --sbom, pull)
 *   GET /berth/containers/{id}/sbom?format=…
 * `json` (the default) is berth's SBOM model; the others are the standard documents, served with
 * their own media types. A missing image or container answers 404 with Docker's wording.
 */
import type { Ctx, Router } from '../router.js';
import { formatSbom, isSbomDocumentFormat, sbomMediaType, SBOM_DOCUMENT_FORMATS } from '../../sbom/format/index.js';
import { InvalidArgumentError } from '../../common/errors.js';
import type { SbomTarget } from '../../engine/sbom-ops.js';
import { attachedSbomInfo, SPDX_ARTIFACT_TYPE } from '../../engine/attached-sbom.js';
import { NotFoundError } from '../../common/errors.js';

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
    // the image also has an SBOM attached at build time or pulled with it (?attached=1 gives it)
    ...(attached ? { 'X-Berth-Sbom-Attached': attached.referrer.digest } : {}),
  });
  ctx.res.end(data);
}

/** The attached document as stored, byte for byte: it is what was built and signed off, not a new scan. */
function sendAttached(ctx: Ctx, image: string): void {
  const format = ctx.query.str('format') || 'spdx-json';
  if (format !== 'spdx-json') {
    throw new InvalidArgumentError(`an attached SBOM is an SPDX document: format must be spdx-json, not "${format}"`, 'ERR_SBOM_OUTPUT_FORMAT');
  }
  const info = attachedSbomInfo(ctx.engine, image); // "No such image: X"
  if (!info) throw new NotFoundError(`no SBOM is attached to image ${image}`, 'ERR_SBOM_NOT_ATTACHED');
  ctx.res.writeHead(200, {
    'Content-Type': SPDX_ARTIFACT_TYPE,
    'Content-Length': info.document.length,
    'X-Berth-Sbom-Referrer': info.referrer.digest,
    'X-Berth-Sbom-Subject': info.subject,
  });
  ctx.res.end(info.document);
}

export function sbomRoutes(r: Router): void {
  r.get('/berth/images/(.+)/sbom', (ctx) => (ctx.query.bool('attached') ? sendAttached(ctx, ctx.params[0]!) : sendSbom(ctx, { image: ctx.params[0]! })));
  r.get('/berth/containers/([^/]+)/sbom', (ctx) => sendSbom(ctx, { container: ctx.params[0]! }));
}
