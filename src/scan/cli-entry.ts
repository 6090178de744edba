/**
 * What `berth scan` loads only when it runs (src/cli/lazy-scan.ts): the report writers (the VEX
 * writer pulls in the CycloneDX library), the ignore file's YAML parser, the catalogers for `--dir`
 * and the zip packer for uploads. Every other CLI command starts without them.
 */
export { formatScanReport } from './report/index.js';
export { parseIgnoreFile, applyIgnore } from './ignore.js';
export { directorySbom } from '../sbom/directory-sbom.js';
export { zipDirectoryStream } from './upload-zip.js';
