/**
 * Loads src/sign/cli-entry.ts from dist/ at run time. The path is relative to dist/cli/, where both
 * this module and the CLI bundle live; the bundler keeps it external (scripts/bundle-cli.mjs), so the
 * key format's crypto is never part of every CLI start.
 */
type SignTools = typeof import('../sign/cli-entry.js');

export async function signTools(): Promise<SignTools> {
  return await import('../sign/cli-entry.js' as string) as SignTools;
}
