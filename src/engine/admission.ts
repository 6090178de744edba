/**
 * Where the engine asks its admission policy (engine.admission, set by `berth serve` from
 * containers-policy.json): before a pull stores anything, and before a container (or a build stage)
 * uses an image that is already local. A refusal is recorded as an image event `policy-denied`
 * (Actor ID the image, attributes name and reason) and thrown as PolicyDeniedError (403, exit 125).
 */
import type { ImageRecord } from '../image/image-store.js';
import { familiarString, parseAnyReference, parseNormalizedNamed, type ParsedReference } from '../image/reference.js';
import type { PullOptions } from '../registry/client/pull.js';
import { PolicyDeniedError, type ImageAdmission } from '../sign/admission.js';
import { localSignatures } from '../sign/local-signatures.js';
import { fetchRemoteSignatures, pullSignatures } from '../sign/remote-signatures.js';
import type { Engine } from './engine.js';

function denied(engine: Engine, id: string, name: string, e: PolicyDeniedError): PolicyDeniedError {
  engine.eventLog.emitEvent('image', 'policy-denied', id, { name, reason: e.message });
  return e;
}

const shown = (ref: ParsedReference) => familiarString(ref);

/** The digests a local image may have been signed under for `ref`: the one asked for, else the registry's top digests of that repository, then its own manifest's. */
function digestsFor(ref: ParsedReference | undefined, image: ImageRecord): string[] {
  if (ref?.digest) return [ref.digest];
  const out: string[] = [];
  for (const rd of image.repoDigests) {
    const p = parseNormalizedNamed(rd);
    if (p.digest && (!ref || (p.domain === ref.domain && p.path === ref.path))) out.push(p.digest);
  }
  if (image.manifestDigest) out.push(image.manifestDigest);
  return out.length ? [...new Set(out)] : [''];
}

/**
 * Admit a local image for use (create/run, a build's FROM). `given` is what the user named: a
 * reference is checked under its normalised name; an image ID under each of the image's names (one
 * admitted name is enough: the bytes are the same), or as a nameless image when it has none.
 */
export async function admitLocalImage(engine: Engine, given: string, image: ImageRecord): Promise<void> {
  const admission = engine.admission;
  if (!admission) return;
  let named: ParsedReference | undefined;
  // an ID or ID prefix (as images.tryResolve takes it) names no reference: the image's own names are checked
  const hex = given.startsWith('sha256:') ? given.slice(7) : given;
  const byId = /^[a-f0-9]+$/.test(hex) && image.id.slice(7).startsWith(hex) && !image.repoTags.includes(`docker.io/library/${hex}:latest`);
  if (!byId) { try { const any = parseAnyReference(given); if ('named' in any) named = any.named; } catch { /* not a reference */ } }
  if (named && !named.digest && named.tag === undefined) named = { ...named, tag: 'latest' };
  const refs: Array<ParsedReference | undefined> = named ? [named]
    : [...image.repoTags, ...image.repoDigests].map((r) => parseNormalizedNamed(r));
  if (refs.length === 0) refs.push(undefined);
  let first: PolicyDeniedError | undefined;
  for (const ref of refs) {
    for (const digest of digestsFor(ref, image)) {
      try {
        await admission.admit({
          phase: 'create',
          reference: ref ? `${ref.domain}/${ref.path}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}` : image.id,
          manifestDigest: digest,
          signatures: async () => (digest ? localSignatures(engine.referrers, engine.content, digest) : []),
        });
        return;
      } catch (e) {
        if (!(e instanceof PolicyDeniedError)) throw e;
        first ??= e;
      }
    }
  }
  throw denied(engine, image.id, named ? shown(named) : given, first!);
}

/**
 * The engine's admission for transfers (image-transfer.ts asks it at pull, with the registry's
 * signatures): the configured policy, plus the signatures already stored here for the digest, and a
 * refusal recorded as a policy-denied event whose Actor ID is the reference (no image exists yet, as
 * in Docker's pull events).
 */
export function eventingAdmission(engine: Engine): ImageAdmission | undefined {
  const admission = engine.admission;
  if (!admission) return undefined;
  return {
    describe: () => admission.describe(),
    async admit(req) {
      try {
        await admission.admit({
          ...req,
          signatures: async () => {
            const local = req.manifestDigest ? localSignatures(engine.referrers, engine.content, req.manifestDigest) : [];
            const seen = new Set(local.map((s) => `${s.signature} ${s.payload.toString('base64')}`));
            return [...local, ...(await req.signatures()).filter((s) => !seen.has(`${s.signature} ${s.payload.toString('base64')}`))];
          },
        });
      } catch (e) {
        if (!(e instanceof PolicyDeniedError)) throw e;
        let name = req.reference;
        try { name = shown(parseNormalizedNamed(req.reference)); } catch { /* keep it as given */ }
        throw denied(engine, name, name, e);
      }
    },
  };
}

type PullHooks = Pick<PullOptions, 'beforeStore' | 'afterStore'>;

/** A build's base-image pull: admitted as a pull (with the registry's signatures), and its signatures stored with it. */
export function pullHooks(engine: Engine): PullHooks {
  const admission = eventingAdmission(engine);
  return {
    ...(admission ? {
      beforeStore: async (at) => admission.admit({
        phase: 'pull', reference: at.reference, manifestDigest: at.digest,
        signatures: () => fetchRemoteSignatures(at.http, at.repo, at.digest, { strict: true }),
      }),
    } satisfies PullHooks : {}),
    afterStore: async ({ http, repo, subjects }) => { await pullSignatures(engine.referrers, engine.content, http, repo, subjects); },
  };
}
