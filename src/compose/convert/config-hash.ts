/** compose v2's com.docker.compose.config-hash: what decides that a service's containers must be recreated. */
import { NotSupportedError } from '../../common/errors.js';
import type { ServiceConfig } from '../model.js';

export function serviceConfigHash(_service: ServiceConfig): string {
  throw new NotSupportedError('compose: config hash is not implemented yet');
}
