/**
 * Referrers (OCI distribution 1.1) on push and pull: after an image's manifest is pushed, the artifacts
 * attached to it locally (berth build --sbom) follow, blobs first and then each manifest by digest;
 * after a pull, the registry's referrers API is asked for SBOMs of the pulled manifest. A registry
 * without the API answers 404: nothing is fetched and nothing is said. Neither ever fails the image's
 * own push or pull: a referrer that cannot be moved is reported as a warning line.
 */
import { DIGEST_RE, sha256, shortId } from '../../common/digest.js';
import { log } from '../../common/log.js';
import type { ContentStore } from '../../store/content.js';
import { MEDIA } from '../../image/image-format.js';
import { artifactTypeOf, parseReferrerManifest, type ReferrerStore } from '../../image/referrers.js';
import { readAll, type RegistryHttp } from './http.js';
import { blobExists, uploadBlob } from './push.js';
import { downloadBlob } from './pull.js';
import type { Progress } from './progress.js';

const MAX_REFERRER_MANIFEST = 4 * 1024 * 1024;
const MAX_REFERRERS_INDEX = 4 * 1024 * 1024;
/** The referrers pulled per image: an index listing thousands is not ours to mirror. */
const MAX_PULLED = 16;

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Push every referrer the store holds for `subject` to `repo`. */
export async function pushReferrers(http: RegistryHttp, content: ContentStore, referrers: ReferrerStore, repo: string, subject: string, progress?: Progress): Promise<number> {
  const scope = [{ repo, actions: ['pull', 'push'] }];
  let pushed = 0;
  for (const d of referrers.list(subject)) {
    try {
      const { raw, manifest } = referrers.manifest(d.digest);
      for (const b of [manifest.config, ...manifest.layers]) {
        if (!(await blobExists(http, repo, b.digest))) await uploadBlob(http, content, repo, b.digest, b.size);
      }
      const res = await http.send('PUT', `/v2/${repo}/manifests/${d.digest}`, {
        scope, headers: { 'Content-Type': manifest.mediaType, 'Content-Length': raw.length }, body: () => raw,
      });
      await readAll(res);
      pushed++;
      progress?.status(`${shortId(d.digest)}: pushed referrer ${d.artifactType ?? manifest.mediaType} of ${shortId(subject)}`);
    } catch (e) {
      progress?.status(`warning: referrer ${d.digest} (${d.artifactType ?? 'artifact'}) was not pushed: ${reason(e)}`);
    }
  }
  return pushed;
}

/**
 * Fetch the referrers of `subject` of `artifactType` from the registry into the store. Returns how many
 * were added; 0 when the registry has none or no referrers API.
 */
export async function pullReferrers(http: RegistryHttp, content: ContentStore, referrers: ReferrerStore, repo: string, subject: string,
  artifactType: string, progress?: Progress, signal?: AbortSignal): Promise<number> {
  const scope = [{ repo, actions: ['pull'] }];
  let listed: Array<{ digest?: unknown; mediaType?: unknown; artifactType?: unknown }>;
  try {
    const res = await http.send('GET', `/v2/${repo}/referrers/${subject}?artifactType=${encodeURIComponent(artifactType)}`, {
      scope, headers: { Accept: MEDIA.ociIndex }, accept: [404], retries: 0,
    });
    if (res.statusCode === 404) { res.resume(); return 0; } // no referrers API (or none for this subject): silent
    const index = JSON.parse((await readAll(res, MAX_REFERRERS_INDEX)).toString('utf8')) as { manifests?: unknown };
    listed = Array.isArray(index.manifests) ? index.manifests : [];
  } catch (e) {
    log.debug('referrers API query failed', { repo, subject, error: reason(e) });
    progress?.status(`warning: referrers of ${shortId(subject)} were not fetched: ${reason(e)}`);
    return 0;
  }
  let added = 0;
  // the filter is applied here too: a registry may ignore the artifactType query
  for (const d of listed.filter((x) => x.artifactType === artifactType).slice(0, MAX_PULLED)) {
    signal?.throwIfAborted();
    const digest = String(d.digest);
    if (!DIGEST_RE.test(digest) || referrers.list(subject).some((r) => r.digest === digest)) continue;
    try {
      const res = await http.send('GET', `/v2/${repo}/manifests/${digest}`, { scope, headers: { Accept: MEDIA.ociManifest } });
      const raw = await readAll(res, MAX_REFERRER_MANIFEST);
      if (sha256(raw) !== digest) throw new Error(`manifest digest is ${sha256(raw)}, not ${digest}`);
      const manifest = parseReferrerManifest(raw);
      if (manifest.subject.digest !== subject) throw new Error(`its subject is ${manifest.subject.digest}, not ${subject}`);
      if (artifactTypeOf(manifest) !== artifactType) continue;
      const blobs = [manifest.config, ...manifest.layers];
      const fresh = blobs.filter((b) => !content.has(b.digest)).map((b) => b.digest);
      try {
        for (const b of blobs) await downloadBlob(http, content, repo, b, undefined, undefined, signal);
        await referrers.add(raw, digest);
      } catch (e) {
        await referrers.release(fresh); // what this referrer brought in goes again
        throw e;
      }
      added++;
      progress?.status(`${shortId(digest)}: pulled referrer ${artifactType} of ${shortId(subject)}`);
    } catch (e) {
      if (signal?.aborted) throw e;
      progress?.status(`warning: referrer ${digest} was not pulled: ${reason(e)}`);
    }
  }
  return added;
}
