/**
 * The SBOM attached to an image (docs/sbom.md, "Attached SBOMs"), as it was stored by `build --sbom`
 * or fetched by a pull:
 *   GET /berth/images/{name}/sbom/attached
 * answers the SPDX 2.3 JSON document byte for byte (application/spdx+json), with the referrer manifest
 * and the image manifest it refers to in X-Berth-Sbom-Referrer and X-Berth-Sbom-Subject; 404 with
 * ERR_SBOM_NOT_ATTACHED when the image has none, Docker's "No such image" when there is no image.
 */
import type { Router } from '../router.js';
import { NotFoundError } from '../../common/errors.js';
import { attachedSbomInfo, SPDX_ARTIFACT_TYPE } from '../../engine/attached-sbom.js';

export function attachedSbomRoutes(r: Router): void {
  r.get('/berth/images/(.+)/sbom/attached', (ctx) => {
    const name = ctx.params[0]!;
    const found = attachedSbomInfo(ctx.engine, name);
    if (!found) throw new NotFoundError(`no SBOM is attached to image ${name}`, 'ERR_SBOM_NOT_ATTACHED');
    ctx.res.writeHead(200, {
      'Content-Type': SPDX_ARTIFACT_TYPE,
      'Content-Length': found.document.length,
      'X-Berth-Sbom-Referrer': found.referrer.digest,
      'X-Berth-Sbom-Subject': found.subject,
    });
    ctx.res.end(found.document);
  });
}
