/**
 * Health checks: one scheduler in the daemon (a timer per container, no process
 * per container) runs the check through the OCI runtime's exec, keeps Docker's
 * State.Health (status, failing streak, last 5 results), emits `health_status`
 * events and, beyond Docker, acts on an unhealthy container (--health-on-failure).
 */
import { InvalidArgumentError } from '../common/errors.js';
import { log } from '../common/log.js';
import { nowRfc3339Nano } from '../common/human-time.js';
import type { ContainerRecord, HealthLogEntry, HealthState, HealthStatus } from '../record/container-store.js';

export type { HealthLogEntry, HealthState, HealthStatus } from '../record/container-store.js';
export type HealthAction = 'none' | 'kill' | 'restart' | 'stop';

/** Docker's defaults (nanoseconds in the API). */
const HEALTH_DEFAULTS = { interval: 30_000, timeout: 30_000, startPeriod: 0, startInterval: 5_000, retries: 3 };
const MAX_LOG_ENTRIES = 5;
const MAX_OUTPUT = 4096;
const MIN_DURATION_NS = 1_000_000;

export interface ProbeResult { exitCode: number; output: string }

/** What the monitor needs from the container manager. */
export interface HealthHost {
  record(id: string): ContainerRecord | undefined;
  runProbe(id: string, cmd: string[], timeoutMs: number): Promise<ProbeResult>;
  saveHealth(id: string, health: HealthState): void;
  emitHealth(id: string, status: HealthStatus): void;
  act(id: string, action: Exclude<HealthAction, 'none'>): Promise<void>;
}

export interface HealthPlan { cmd: string[]; interval: number; timeout: number; startPeriod: number; startInterval: number; retries: number; onFailure: HealthAction }

const ms = (ns: unknown, dflt: number) => (typeof ns === 'number' && ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : dflt);

/** The check to run for a container, or null (no HEALTHCHECK, or NONE). */
export function healthPlan(config: any, hostConfig: any): HealthPlan | null {
  const hc = config?.Healthcheck;
  const test: string[] = Array.isArray(hc?.Test) ? hc.Test : [];
  if (test.length === 0 || test[0] === 'NONE') return null;
  let cmd: string[];
  if (test[0] === 'CMD') cmd = test.slice(1);
  else if (test[0] === 'CMD-SHELL') cmd = [...(Array.isArray(config.Shell) && config.Shell.length ? config.Shell : ['/bin/sh', '-c']), test.slice(1).join(' ')];
  else return null;
  if (cmd.length === 0) return null;
  return {
    cmd,
    interval: ms(hc.Interval, HEALTH_DEFAULTS.interval),
    timeout: ms(hc.Timeout, HEALTH_DEFAULTS.timeout),
    startPeriod: ms(hc.StartPeriod, HEALTH_DEFAULTS.startPeriod),
    startInterval: ms(hc.StartInterval, HEALTH_DEFAULTS.startInterval),
    retries: typeof hc.Retries === 'number' && hc.Retries > 0 ? hc.Retries : HEALTH_DEFAULTS.retries,
    onFailure: (hostConfig?.HealthOnFailure || 'none') as HealthAction,
  };
}

/** Docker's checks of a Healthcheck config (durations of at least 1ms, retries not negative). */
export function validateHealthcheck(hc: any, onFailure: unknown): void {
  if (onFailure !== undefined && onFailure !== null && onFailure !== '' && !['none', 'kill', 'restart', 'stop'].includes(String(onFailure))) {
    throw new InvalidArgumentError(`invalid --health-on-failure "${onFailure}": use none, kill, restart or stop`);
  }
  if (!hc) return;
  if (hc.Test !== undefined && hc.Test !== null) {
    if (!Array.isArray(hc.Test)) throw new InvalidArgumentError('Healthcheck.Test must be a list');
    if (hc.Test.length && !['NONE', 'CMD', 'CMD-SHELL'].includes(hc.Test[0])) throw new InvalidArgumentError(`unknown type of health check: ${hc.Test[0]}`);
  }
  for (const [k, name] of [['Interval', 'Interval'], ['Timeout', 'Timeout'], ['StartPeriod', 'StartPeriod'], ['StartInterval', 'StartInterval']] as const) {
    const v = hc[k];
    if (v === undefined || v === null || v === 0) continue;
    if (typeof v !== 'number' || v < MIN_DURATION_NS) throw new InvalidArgumentError(`${name} in Healthcheck cannot be less than 1ms`);
  }
  if (hc.Retries !== undefined && hc.Retries !== null && (typeof hc.Retries !== 'number' || hc.Retries < 0)) {
    throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
  }
}

interface Probe { timer?: NodeJS.Timeout; startedAt: number; busy: boolean; plan: HealthPlan; gen: number }

/**
 * Health checks run and those that could not run (dockerd's engine_daemon_health_checks_total and
 * ..._failed_total: a check whose command ran and failed is a result, not a failed check); read by the metrics endpoint.
 */
export const healthStats = { checks: 0, failed: 0 };

export class HealthMonitor {
  private readonly probes = new Map<string, Probe>();
  private gen = 0;
  private closed = false;

  constructor(private readonly host: HealthHost) {}

  /** The container (re)started: status `starting`, first check after the start interval. */
  started(rec: ContainerRecord, opts: { restored?: boolean } = {}): void {
    this.stopped(rec.id);
    if (this.closed) return;
    const plan = healthPlan(rec.config, rec.hostConfig);
    if (!plan) return;
    const startedAt = Date.parse(rec.state.StartedAt) || Date.now();
    const probe: Probe = { startedAt, busy: false, plan, gen: ++this.gen };
    this.probes.set(rec.id, probe);
    const prev = rec.state.Health;
    if (!opts.restored || !prev) this.host.saveHealth(rec.id, { Status: 'starting', FailingStreak: 0, Log: prev?.Log ?? [] });
    this.schedule(rec.id, probe, this.nextDelay(probe, prev?.Status ?? 'starting'));
  }

  /** The container stopped or is gone: no more checks. */
  stopped(id: string): void {
    const p = this.probes.get(id);
    if (p?.timer) clearTimeout(p.timer);
    this.probes.delete(id);
  }

  shutdown(): void {
    this.closed = true;
    for (const id of [...this.probes.keys()]) this.stopped(id);
  }

  watching(): number { return this.probes.size; }

  /** Docker runs checks every StartInterval during the start period until the first success. */
  private nextDelay(p: Probe, status: HealthStatus): number {
    const inStart = Date.now() - p.startedAt < p.plan.startPeriod;
    return inStart && status === 'starting' ? p.plan.startInterval : p.plan.interval;
  }

  private schedule(id: string, p: Probe, delay: number): void {
    p.timer = setTimeout(() => { void this.runOnce(id, p); }, delay);
    p.timer.unref();
  }

  /** One check now (also used by tests and the bench through the manager). */
  async runOnce(id: string, p = this.probes.get(id)): Promise<HealthState | undefined> {
    if (!p || p.busy) return undefined;
    p.busy = true;
    let state: HealthState | undefined;
    try { state = await this.check(id, p); } catch (e) {
      log.warn('health check failed to run', { container: id.slice(0, 12), error: (e as Error).message });
    } finally { p.busy = false; }
    if (this.probes.get(id)?.gen === p.gen && !this.closed) this.schedule(id, p, this.nextDelay(p, state?.Status ?? 'starting'));
    return state;
  }

  private async check(id: string, p: Probe): Promise<HealthState | undefined> {
    const start = nowRfc3339Nano();
    let result: ProbeResult;
    healthStats.checks++;
    try { result = await this.host.runProbe(id, p.plan.cmd, p.plan.timeout); } catch (e) {
      healthStats.failed++;
      result = { exitCode: -1, output: (e as Error).message };
    }
    const rec = this.host.record(id);
    if (!rec || !rec.state.Running || rec.state.Restarting || this.probes.get(id)?.gen !== p.gen) return undefined;
    const prev: HealthState = rec.state.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
    const entry: HealthLogEntry = { Start: start, End: nowRfc3339Nano(), ExitCode: result.exitCode, Output: result.output.slice(0, MAX_OUTPUT) };
    const next: HealthState = { Status: prev.Status, FailingStreak: prev.FailingStreak, Log: [...prev.Log, entry].slice(-MAX_LOG_ENTRIES) };
    if (result.exitCode === 0) {
      next.Status = 'healthy';
      next.FailingStreak = 0;
    } else {
      const inStart = Date.now() - p.startedAt < p.plan.startPeriod;
      // failures during the start period do not count (Docker), unless the container was already healthy
      if (!(inStart && prev.Status === 'starting')) {
        next.FailingStreak = prev.FailingStreak + 1;
        if (next.FailingStreak >= p.plan.retries) next.Status = 'unhealthy';
      }
    }
    this.host.saveHealth(id, next);
    if (next.Status !== prev.Status) this.host.emitHealth(id, next.Status);
    if (next.Status === 'unhealthy' && prev.Status !== 'unhealthy' && p.plan.onFailure !== 'none') {
      const action = p.plan.onFailure;
      this.stopped(id);
      // act outside this check: restart and stop wait for the container
      setImmediate(() => {
        this.host.act(id, action).catch((e) => log.warn('health-on-failure action failed', { container: id.slice(0, 12), action, error: (e as Error).message }));
      });
    }
    return next;
  }
}
