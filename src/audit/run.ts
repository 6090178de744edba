/**
 * `runAudit`: every check over the engine and the daemon's facts. A check that cannot look (an
 * unreadable file, a failed scan) is recorded in `errors` with its ID, and the others go on.
 */
import type { Engine } from '../engine/engine.js';
import { PhaseTimer } from '../common/log.js';
import { DEFAULT_HOST_PATHS, type DaemonFacts, type HostPaths } from './facts.js';
import { toFinding, type AuditCheck, type AuditContext } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { readProcessTable, type ProcessTable } from './processes.js';
import type { AuditFinding, AuditReport } from './types.js';

export interface AuditOptions {
  /** audit one container (its runtime checks and its image's), not the host */
  container?: string;
  /** host files to read instead of the machine's (tests) */
  host?: Partial<HostPaths>;
  /** the checks to run (tests); default all */
  checks?: AuditCheck[];
}

export async function runAudit(engine: Engine, facts: DaemonFacts, opts: AuditOptions = {}): Promise<AuditReport> {
  const allContainers = engine.containers.records().filter((c) => c.state.Status !== 'removing');
  let containers = allContainers;
  let images = engine.images.list();
  if (opts.container !== undefined) {
    const one = engine.containers.inspect(opts.container); // NoSuchContainerError for an unknown name
    containers = allContainers.filter((c) => c.id === one.Id);
    const imageIds = new Set(containers.map((c) => c.imageId));
    images = images.filter((i) => imageIds.has(i.id));
  }
  let table: ProcessTable | undefined;
  const host = { ...DEFAULT_HOST_PATHS, ...opts.host };
  const ctx: AuditContext = {
    engine, facts, host, root: engine.paths.root, runRoot: engine.paths.runRoot,
    containers, images, allContainers,
    processes: () => (table ??= readProcessTable(host.proc)),
  };
  const findings: AuditFinding[] = [];
  const errors: AuditReport['errors'] = [];
  const timer = new PhaseTimer('audit', { containers: containers.length, images: images.length }); // per check, at debug level
  for (const check of opts.checks ?? ALL_CHECKS) {
    if (opts.container !== undefined && check.scope === 'host') continue;
    try {
      for (const v of await check.run(ctx)) {
        if ('error' in v) errors.push({ id: check.id, message: v.target && !v.error.includes(v.target) ? `${v.target}: ${v.error}` : v.error });
        else findings.push(toFinding(check, v));
      }
    } catch (e) {
      errors.push({ id: check.id, message: (e as Error).message });
    }
    timer.mark(check.id);
  }
  timer.done();
  return { findings, errors, created: new Date().toISOString() };
}
