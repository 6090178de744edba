/**
 * Builds images by hand (layers of any compression, OCI indexes) and publishes them into a
 * registry storage root through an in-process RegistryServer on this process's loopback.
 * Daemon tests then serve that root with `berth registry serve` inside the daemon's
 * network namespace, which this process cannot reach.
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { RegistryServer } from '../../src/registry/server/server.js';
import { ensureLoopback, req, sha } from './helpers.js';
import { buildTar, type TarEntry } from '../image/helpers.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

export interface ImageSpec {
  files: TarEntry[];
  compression?: 'gzip' | 'zstd';
  arch?: string;
  labels?: Record<string, string>;
  cmd?: string[];
}

export interface Built { manifest: Buffer; digest: string; blobs: Buffer[]; arch: string }

function zstd(data: Buffer): Buffer {
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);
  return r.stdout;
}

export async function buildImage(spec: ImageSpec): Promise<Built> {
  const tar = await buildTar(spec.files);
  const layer = spec.compression === 'zstd' ? zstd(tar) : gzipSync(tar, { level: 1 });
  const arch = spec.arch ?? 'amd64';
  const config = Buffer.from(JSON.stringify({
    architecture: arch, os: 'linux',
    config: { Cmd: spec.cmd ?? ['/bin/busybox', 'sh'], Labels: spec.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: [sha(tar)] },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: spec.compression === 'zstd' ? LAYER_ZSTD : LAYER_GZIP, digest: sha(layer), size: layer.length }],
  }));
  return { manifest, digest: sha(manifest), blobs: [config, layer], arch };
}

export function indexOf(images: Built[]): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_INDEX,
    manifests: images.map((m) => ({ mediaType: OCI_MANIFEST, digest: m.digest, size: m.manifest.length, platform: { os: 'linux', architecture: m.arch } })),
  }));
}

/** Publish into a registry root: `tag` → an image, or an index of several images. */
export async function publish(root: string, entries: Array<{ repo: string; tag: string; images: Built[]; index?: boolean }>): Promise<void> {
  ensureLoopback();
  const server = new RegistryServer({ root });
  const { port } = await server.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  try {
    for (const e of entries) {
      for (const img of e.images) {
        for (const b of img.blobs) {
          const r = await req(`${base}/v2/${e.repo}/blobs/uploads/?digest=${sha(b)}`, 'POST', { body: b, headers: { 'Content-Type': 'application/octet-stream' } });
          if (r.status !== 201) throw new Error(`blob upload: ${r.status} ${r.body}`);
        }
        const ref = e.index ? img.digest : e.tag;
        const r = await req(`${base}/v2/${e.repo}/manifests/${ref}`, 'PUT', { body: img.manifest, headers: { 'Content-Type': OCI_MANIFEST } });
        if (r.status !== 201) throw new Error(`manifest put: ${r.status} ${r.body}`);
      }
      if (e.index) {
        const r = await req(`${base}/v2/${e.repo}/manifests/${e.tag}`, 'PUT', { body: indexOf(e.images), headers: { 'Content-Type': OCI_INDEX } });
        if (r.status !== 201) throw new Error(`index put: ${r.status} ${r.body}`);
      }
    }
  } finally {
    await server.close();
  }
}
