/**
 * The admission policy of a daemon: a containers-policy.json file, parsed once per version of the file
 * (a stat per check notices an edit, a replacement by rename or a removal) and evaluated for every pull
 * and create. A file that cannot be read or parsed refuses every image ("fail closed") with the reason,
 * and the daemon keeps running, so that fixing the file is enough.
 */
import { readFileSync, statSync } from 'node:fs';
import { log } from '../common/log.js';
import { parseAnyReference, type ParsedReference } from '../image/reference.js';
import { PolicyDeniedError, type AdmissionRequest, type ImageAdmission } from '../sign/admission.js';
import { evaluatePolicy, type Verdict } from './evaluate.js';
import { KeyFileCache } from './keys.js';
import { parsePolicy, type Policy } from './policy-file.js';

/** The default path, as Podman and skopeo read it (berth, a daemon run as root, has no per-user file). */
export const DEFAULT_POLICY_PATH = '/etc/containers/policy.json';

interface Loaded { stamp: string; policy?: Policy; error?: string }

/** The reference a request names; undefined for an image ID (such an image is admitted by its names, see the engine). */
function parseRef(reference: string): ParsedReference | undefined {
  try {
    const any = parseAnyReference(reference);
    return 'named' in any ? any.named : undefined;
  } catch { return undefined; }
}

export class PolicyAdmission implements ImageAdmission {
  private loaded?: Loaded;
  private readonly keyFiles = new KeyFileCache();

  constructor(readonly path: string) {}

  /** The policy as the file says now (re-read when its stat changed), or why it cannot be used. */
  current(): { policy?: Policy; error?: string } {
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch (e) {
      stamp = `missing:${(e as NodeJS.ErrnoException).code}`;
    }
    if (this.loaded?.stamp === stamp) return this.loaded;
    const next: Loaded = { stamp };
    try {
      next.policy = parsePolicy(readFileSync(this.path, 'utf8'));
      log.info('signature policy loaded', { path: this.path });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      next.error = err.code === 'ENOENT' ? 'no such file' : err.message;
      log.warn('signature policy is invalid: every image is refused until it is fixed', { path: this.path, error: next.error });
    }
    this.loaded = next;
    return next;
  }

  /** The verdict without throwing (tests, the benchmark). */
  async verdict(req: AdmissionRequest): Promise<Verdict> {
    const { policy, error } = this.current();
    if (!policy) return { allowed: false, reason: `the signature policy ${this.path} is invalid: ${error}`, where: 'policy file', rule: 'policy file' };
    return evaluatePolicy(policy, { ref: parseRef(req.reference), manifestDigest: req.manifestDigest, signatures: req.signatures }, this.keyFiles);
  }

  async admit(req: AdmissionRequest): Promise<void> {
    const v = await this.verdict(req);
    if (v.allowed) return;
    const why = v.rule === 'policy file' ? 'every image is refused until it is fixed' : `rule ${v.rule} of ${this.path}`;
    throw new PolicyDeniedError(`Source image rejected: ${v.reason} (${why})`, req.reference, v.rule);
  }

  describe(): { path: string; ok: boolean; error?: string } {
    const { error } = this.current();
    return error === undefined ? { path: this.path, ok: true } : { path: this.path, ok: false, error };
  }
}
