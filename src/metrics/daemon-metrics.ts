/**
 * The daemon's Prometheus metrics: what is recorded as it happens (operation timings, API requests,
 * events, builds) lives in a prom-client registry; what is read at scrape time (containers, stores,
 * the process) is written by exposition.ts's writer. `render()` is one scrape; nothing is collected
 * between scrapes.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { Engine } from '../engine/engine.js';
import type { EngineAction, EngineInstruments } from '../engine/instruments.js';
import type { EngineEvent } from '../events/events.js';
import { BerthError } from '../common/errors.js';
import { log } from '../common/log.js';
import { Exposition } from './exposition.js';
import { SpecCache, writeContainerSeries } from './container-series.js';
import { EngineSeries, writeProcessSeries } from './engine-series.js';

/** client_golang's default buckets, which dockerd's timers use */
const DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CONTAINER_ACTIONS: EngineAction[] = ['create', 'start', 'stop', 'delete', 'exec'];
const IMAGE_ACTIONS: EngineAction[] = ['pull', 'push', 'build'];
const LIMIT_EVENTS = new Set(['start', 'update', 'restart', 'die', 'destroy']);

/** dockerd's builder_builds_failed_total reasons, from the build error. */
export function buildFailureReason(e: unknown): string {
  const code = e instanceof BerthError ? e.code : '';
  const msg = (e as Error)?.message ?? '';
  if (code === 'ERR_ABORTED') return 'build_canceled';
  if (code === 'ERR_BUILD_TARGET') return 'build_target_not_reachable_error';
  if (code === 'ERR_DOCKERFILE_UNKNOWN_INSTRUCTION') return 'unknown_instruction_error';
  if (code === 'ERR_DOCKERFILE_PARSE' && /empty/i.test(msg)) return 'dockerfile_empty_error';
  if (code === 'ERR_DOCKERFILE_PARSE' || code === 'ERR_DOCKERFILE_FLAG' || code === 'ERR_DOCKERFILE_SUBSTITUTION') return 'dockerfile_syntax_error';
  if (code === 'ERR_NOT_SUPPORTED') return 'command_not_supported_error';
  return 'error_processing_commands_error';
}

/** What the API server reports of each request (route: the route's template, never the raw path). */
export interface ApiRequestObserver {
  requestDone(method: string, route: string, status: number, seconds: number): void;
}

export class DaemonMetrics implements EngineInstruments, ApiRequestObserver {
  readonly registry = new Registry();
  private engineSeries?: EngineSeries;
  private engine?: Engine;
  private readonly specs = new SpecCache();
  private readonly containerActions = new Histogram({
    name: 'engine_daemon_container_actions_seconds', help: 'The number of seconds it takes to process each container action',
    labelNames: ['action'], buckets: DEF_BUCKETS, registers: [this.registry],
  });
  private readonly imageActions = new Histogram({
    name: 'engine_daemon_image_actions_seconds', help: 'The number of seconds it takes to process each image action',
    labelNames: ['action'], buckets: DEF_BUCKETS, registers: [this.registry],
  });
  private readonly actionFailures = new Counter({
    name: 'berth_engine_action_failures_total', help: 'Engine actions (container and image) that ended in an error.',
    labelNames: ['action'], registers: [this.registry],
  });
  private readonly buildsTriggered = new Counter({ name: 'builder_builds_triggered_total', help: 'Number of triggered image builds', registers: [this.registry] });
  private readonly buildsFailed = new Counter({ name: 'builder_builds_failed_total', help: 'Number of failed image builds', labelNames: ['reason'], registers: [this.registry] });
  private readonly events = new Counter({ name: 'engine_daemon_events_total', help: 'The number of events logged', registers: [this.registry] });
  private readonly apiRequests = new Counter({
    name: 'berth_api_requests_total', help: 'Engine API requests by method, route template and HTTP status.',
    labelNames: ['method', 'route', 'status'], registers: [this.registry],
  });
  private readonly apiDuration = new Histogram({
    name: 'berth_api_request_duration_seconds', help: 'Engine API request durations (until the response ended; streams count their whole life).',
    labelNames: ['method', 'route'], buckets: DEF_BUCKETS, registers: [this.registry],
  });

  constructor() {
    for (const action of CONTAINER_ACTIONS) this.containerActions.zero({ action });
    for (const action of IMAGE_ACTIONS) this.imageActions.zero({ action });
  }

  /** Subscribe to the engine's operation timings and events; from now on its state is in every scrape. */
  attach(engine: Engine): void {
    this.engine = engine;
    this.engineSeries = new EngineSeries(engine);
    engine.instruments = this;
    engine.eventLog.on('event', (ev: EngineEvent) => {
      this.events.inc();
      // a container's limits change with update and are new at each start
      if (ev.Type === 'container' && LIMIT_EVENTS.has(ev.Action)) this.specs.forget(ev.Actor.ID);
    });
  }

  actionDone(action: EngineAction, seconds: number, error?: unknown): void {
    (IMAGE_ACTIONS.includes(action) ? this.imageActions : this.containerActions).observe({ action }, seconds);
    if (error) this.actionFailures.inc({ action });
    if (action === 'build') {
      this.buildsTriggered.inc();
      if (error) this.buildsFailed.inc({ reason: buildFailureReason(error) });
    }
  }

  requestDone(method: string, route: string, status: number, seconds: number): void {
    this.apiRequests.inc({ method, route, status: String(status) });
    this.apiDuration.observe({ method, route }, seconds);
  }

  /** One scrape in the text format (prom-client's families, then those read now). */
  async render(): Promise<string> {
    const x = new Exposition();
    if (this.engine && this.engineSeries) {
      try {
        const records = this.engine.containers.records();
        this.engineSeries.write(x, records);
        writeContainerSeries(x, records, this.specs);
      } catch (e) {
        // a scrape must answer even when one store is busy or a cgroup vanished mid-read
        log.warn('metrics: collecting engine series failed', { message: (e as Error).message });
      }
    }
    writeProcessSeries(x);
    return (await this.registry.metrics()) + x.text();
  }

  get contentType(): string { return this.registry.contentType; }
}
