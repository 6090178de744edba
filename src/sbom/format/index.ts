/** The SBOM document formats by name, as `berth sbom --format` and the API's `?format=` spell them. */
import { InvalidArgumentError } from '../../common/errors.js';
import type { Sbom } from '../types.js';
import { toCycloneDx } from './cyclonedx.js';
import { toSpdx } from './spdx.js';

export const SBOM_DOCUMENT_FORMATS = ['json', 'spdx-json', 'cyclonedx-json'] as const;
export type SbomDocumentFormat = typeof SBOM_DOCUMENT_FORMATS[number];

export function isSbomDocumentFormat(f: string): f is SbomDocumentFormat {
  return (SBOM_DOCUMENT_FORMATS as readonly string[]).includes(f);
}

/** The media type each format is served with. */
export function sbomMediaType(f: SbomDocumentFormat): string {
  switch (f) {
    case 'json': return 'application/json';
    case 'spdx-json': return 'application/spdx+json';
    case 'cyclonedx-json': return 'application/vnd.cyclonedx+json';
  }
}

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
