/**
 * Loads src/kube/cli-entry.ts from dist/ at run time (kept external by scripts/bundle-cli.mjs, as
 * sbom's, scan's and sign's): `berth kube` pulls in the YAML library and ~10 modules that no other
 * command needs.
 */
type KubeTools = typeof import('../kube/cli-entry.js');

export async function kubeTools(): Promise<KubeTools> {
  return await import('../kube/cli-entry.js' as string) as KubeTools;
}
