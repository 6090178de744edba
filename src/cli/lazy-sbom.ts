/**
 * Loads src/sbom/cli-entry.ts from dist/ at run time. The path is relative to dist/cli/, where both
 * this module (dist/cli/lazy-sbom.js) and the CLI bundle (dist/cli/berth.cjs) live; the bundler keeps
 * it external (scripts/bundle-cli.mjs), so the CycloneDX library is never part of every CLI start.
 */
type SbomTools = typeof import('../sbom/cli-entry.js');

export async function sbomTools(): Promise<SbomTools> {
  return await import('../sbom/cli-entry.js' as string) as SbomTools;
}
