/** Which peers a run uses: those selected (all by default) whose programs are installed. */
import { existsSync } from 'node:fs';
import type { BenchContext } from '../lib/context.js';

export const PEER_BINARIES: Record<string, string[]> = {
  crun: ['/usr/bin/crun'],
  docker: ['/usr/sbin/dockerd', '/usr/bin/containerd', '/usr/local/bin/docker'],
  podman: ['/usr/bin/podman', '/usr/lib/podman/netavark'],
  buildah: ['/usr/bin/buildah'],
  skopeo: ['/usr/bin/skopeo'],
  registry: ['/usr/bin/docker-registry'],
  // the docker CLI alone, against berth serve (the CLI start cases' peer)
  'docker-cli': ['/usr/local/bin/docker'],
};

export const DOCKER_CLI = '/usr/local/bin/docker';

/**
 * The smoke run stays quick: by default it uses only the peers that need no daemon of their own and
 * start in milliseconds; docker, podman and buildah join it when named in --peers / BENCH_PEERS.
 */
export const SMOKE_DEFAULT_PEERS = ['crun', 'registry', 'skopeo', 'docker-cli'];

export function peerAvailable(ctx: BenchContext, peer: string): boolean {
  const selected = ctx.options.peers ?? (ctx.options.smoke ? SMOKE_DEFAULT_PEERS : undefined);
  if (selected && !selected.includes(peer)) return false;
  return (PEER_BINARIES[peer] ?? []).every((b) => existsSync(b));
}
