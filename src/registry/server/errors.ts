import { BerthError, type DistributionCode } from '../../common/errors.js';

/** An error the registry answers with the distribution spec's body: {"errors":[{code,message,detail}]}. */
export class RegistryError extends BerthError {
  constructor(status: number, readonly registryCode: DistributionCode, message: string, readonly detail?: unknown) {
    super(message, { code: `ERR_REGISTRY_${registryCode}`, status });
  }
  body(): { errors: Array<{ code: string; message: string; detail?: unknown }> } {
    return { errors: [{ code: this.registryCode, message: this.message, ...(this.detail !== undefined ? { detail: this.detail } : {}) }] };
  }
}
