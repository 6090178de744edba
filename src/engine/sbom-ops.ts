/** SBOMs through the engine: of an image (its layers), a container's filesystem, or a directory. */
import { NotSupportedError } from '../common/errors.js';
import type { Sbom } from '../sbom/types.js';
import type { Engine } from './engine.js';

export type SbomTarget = { image: string } | { container: string } | { dir: string };

export interface SbomOptions { signal?: AbortSignal }

export async function sbomOf(_engine: Engine, _target: SbomTarget, _opts: SbomOptions = {}): Promise<Sbom> {
  throw new NotSupportedError('SBOMs are not available yet');
}
