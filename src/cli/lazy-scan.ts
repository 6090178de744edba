/**
 * Loads src/scan/cli-entry.ts from dist/ at run time (as lazy-sbom.ts does for `berth sbom`): the
 * bundler keeps it external (scripts/bundle-cli.mjs), so the report writers and YAML are loaded by
 * `berth scan` only.
 */
type ScanTools = typeof import('../scan/cli-entry.js');

export async function scanTools(): Promise<ScanTools> {
  return await import('../scan/cli-entry.js' as string) as ScanTools;
}
