/** A project's networks and volumes as Engine API create requests, with compose's labels. */
import { NotSupportedError } from '../../common/errors.js';
import type { VolumeCreateRequest } from '../../common/engine-api/types.js';
import type { Project } from '../model.js';

/** POST /networks/create body for the project's network `key` (the engine name is project.networks[key].name). */
export function networkCreateBody(_project: Project, _key: string): Record<string, unknown> {
  throw new NotSupportedError('compose: networks are not implemented yet');
}

/** POST /volumes/create body for the project's volume `key`. */
export function volumeCreateBody(_project: Project, _key: string): VolumeCreateRequest {
  throw new NotSupportedError('compose: volumes are not implemented yet');
}
