/** The SBOM document formats by name, as `berth sbom --format` and the API's `?format=` spell them. */
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
