/**
 * Everything about limits, security, restart policy and health checked when a
 * container is created, so a bad value fails before anything exists. Adjusts the
 * HostConfig as Docker does (defaults it fills in, knobs this host lacks dropped).
 */
import { InvalidArgumentError } from '../common/errors.js';
import { detectCgroups } from '../runtime/cgroups.js';
import { resourceHost, validateResources, type ResourceHost } from '../runtime/resources.js';
import { validateSecurity } from '../runtime/security.js';
import { validateHealthcheck } from './health.js';
import { validateRestartPolicy } from './restart-policy.js';

let cachedHost: ResourceHost | undefined;
export function hostResources(): ResourceHost {
  cachedHost ??= resourceHost(detectCgroups());
  return cachedHost;
}

/** Returns the warnings for the create response; throws InvalidArgumentError (400) on bad input. */
export function checkControls(config: any, hc: any, host: ResourceHost = hostResources()): string[] {
  validateRestartPolicy(hc.RestartPolicy);
  if (hc.AutoRemove && hc.RestartPolicy?.Name && hc.RestartPolicy.Name !== 'no') {
    throw new InvalidArgumentError(`can't create 'AutoRemove' container with restart policy`);
  }
  validateHealthcheck(config?.Healthcheck, hc.HealthOnFailure);
  const warnings = [...validateResources(hc, host), ...validateSecurity(hc)];
  // Docker records the effective swap limit: twice the memory when not given
  if (hc.Memory > 0 && !hc.MemorySwap) hc.MemorySwap = hc.Memory * 2;
  return warnings;
}
