/**
 * What the CLI loads only when it needs it (src/cli/lazy-sbom.ts): the document writers, which pull
 * in the CycloneDX library, and the catalogers for `berth sbom --dir`. Every other CLI command starts
 * without them.
 */
export { formatSbom } from './format/index.js';
export { directorySbom } from './directory-sbom.js';
