/**
 * The hook between the places that admit an image (pull, create/run, build's base images) and the
 * admission policy (src/policy). The engine holds one `ImageAdmission` when a policy is configured;
 * the callers ask it before an image is stored (pull) or used (create). Defined here, below both the
 * engine's transfers and the policy, so neither has to import upward.
 */
import { BerthError } from '../common/errors.js';
import type { CosignSignature } from './cosign-format.js';

export interface AdmissionRequest {
  /** the fully qualified reference the image is known by, e.g. `docker.io/library/busybox:latest`, `localhost:5000/app:1` */
  reference: string;
  /** the digest of the image's manifest (or index) as the registry serves it */
  manifestDigest: string;
  /** where the decision is taken: pull (before anything is stored) or create (an image already local) */
  phase: 'pull' | 'create';
  /** the image's signatures, fetched only when a rule needs them */
  signatures(): Promise<CosignSignature[]>;
}

export interface ImageAdmission {
  /** Resolves when the image may be used; throws PolicyDeniedError (naming the rule) otherwise. */
  admit(req: AdmissionRequest): Promise<void>;
  /** for `info`: where the policy came from and whether it parsed */
  describe(): { path: string; ok: boolean; error?: string };
}

/** An image the policy refuses: HTTP 403 through the API, exit 125 in the CLI. */
export class PolicyDeniedError extends BerthError {
  constructor(message: string, readonly reference: string, readonly rule: string) {
    super(message, { code: 'ERR_POLICY_DENIED', status: 403, exitCode: 125 });
  }
}
