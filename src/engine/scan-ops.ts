/** Vulnerability scans through the engine, against the OSV database under the engine's root. */
import { NotSupportedError } from '../common/errors.js';
import type { ScanReport } from '../scan/types.js';
import type { Engine } from './engine.js';
import type { SbomTarget } from './sbom-ops.js';

export interface ScanOptions { ignoreUnfixed?: boolean; signal?: AbortSignal }

export async function scanOf(_engine: Engine, _target: SbomTarget, _opts: ScanOptions = {}): Promise<ScanReport> {
  throw new NotSupportedError('scanning is not available yet');
}
