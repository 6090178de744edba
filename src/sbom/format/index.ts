/** Every SBOM document format, for the daemon (the CLI loads each writer on its own: src/sbom/cli-entry.ts). */
import { InvalidArgumentError } from '../../common/errors.js';
import type { Sbom } from '../types.js';
import { toCycloneDx } from './cyclonedx.js';
import { isSbomDocumentFormat, SBOM_DOCUMENT_FORMATS } from './formats.js';
import { toSpdx } from './spdx.js';

export { isSbomDocumentFormat, sbomMediaType, SBOM_DOCUMENT_FORMATS, type SbomDocumentFormat } from './formats.js';

/** `json` is berth's own model (src/sbom/types.ts), the others the standard documents. */
export function formatSbom(sbom: Sbom, format: string): Record<string, unknown> {
  if (!isSbomDocumentFormat(format)) {
    throw new InvalidArgumentError(`unknown SBOM format "${format}": use one of ${SBOM_DOCUMENT_FORMATS.join(', ')}`, 'ERR_SBOM_OUTPUT_FORMAT');
  }
  switch (format) {
    case 'json': return sbom as unknown as Record<string, unknown>;
    case 'spdx-json': return toSpdx(sbom);
    case 'cyclonedx-json': return toCycloneDx(sbom);
  }
}
