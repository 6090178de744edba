/**
 * What the CLI loads only when it needs it (src/cli/lazy-sbom.ts): the document writers and the
 * catalogers for `berth sbom --dir`. Every other CLI command starts without them, and each format
 * loads only its own writer (the CycloneDX library is the heavy one).
 */
import { InvalidArgumentError } from '../common/errors.js';
import { isSbomDocumentFormat, SBOM_DOCUMENT_FORMATS } from './format/formats.js';
import type { Sbom } from './types.js';

export { directorySbom } from './directory-sbom.js';

export async function sbomDocument(sbom: Sbom, format: string): Promise<Record<string, unknown>> {
  if (!isSbomDocumentFormat(format)) {
    throw new InvalidArgumentError(`unknown SBOM format "${format}": use one of ${SBOM_DOCUMENT_FORMATS.join(', ')}`, 'ERR_SBOM_OUTPUT_FORMAT');
  }
  switch (format) {
    case 'json': return sbom as unknown as Record<string, unknown>;
    case 'spdx-json': return (await import('./format/spdx.js')).toSpdx(sbom);
    case 'cyclonedx-json': return (await import('./format/cyclonedx.js')).toCycloneDx(sbom);
  }
}
