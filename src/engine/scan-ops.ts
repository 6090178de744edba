/** Vulnerability scans through the engine, against the OSV database under the engine's root. */
import type { Sbom } from '../sbom/types.js';
import { requireAdvisories, scanSbom } from '../scan/scan-sbom.js';
import type { ScanReport, Severity } from '../scan/types.js';
import type { Engine } from './engine.js';
import type { SbomTarget } from './sbom-ops.js';

export interface ScanOptions { ignoreUnfixed?: boolean; severities?: Set<Severity>; signal?: AbortSignal }

export async function scanOf(engine: Engine, target: SbomTarget, opts: ScanOptions = {}): Promise<ScanReport> {
  const db = await engine.scanDb();
  requireAdvisories(db); // before the SBOM's work: an empty or damaged database fails at once
  const sbom = await engine.sbom(target, { signal: opts.signal });
  return scanSbom(db, sbom, opts);
}

/** A scan of an SBOM made elsewhere (`berth scan --dir` catalogues on the client's host). */
export async function scanOfSbom(engine: Engine, sbom: Sbom, opts: ScanOptions = {}): Promise<ScanReport> {
  return scanSbom(await engine.scanDb(), sbom, opts);
}
