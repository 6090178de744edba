/**
 * Engine containers carry a namespace (as containerd's do): the label below, absent for Docker's own
 * containers (the default namespace). Containers of another namespace (the CRI's `k8s.io`) are left
 * out of `ps` and GET /containers/json unless the caller asks for them (a `namespace` filter, or all).
 */
export const NAMESPACE_LABEL = 'io.berth.namespace';
export const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(labels: Record<string, string> | null | undefined): string {
  return labels?.[NAMESPACE_LABEL] || DEFAULT_NAMESPACE;
}
