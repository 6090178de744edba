/**
 * Watches a project's containers through the engine's event stream (compose v2's monitor.go) for
 * attached `up` and `logs -f`: reports starts, restarts and exits (with the exit code), and ends when
 * none of the watched containers runs any more (or when stopped).
 */
import type { EngineClient } from '../../client/engine-client.js';
import type { ContainerInspectResponse, ContainerSummary } from '../../common/engine-api/types.js';
import { LABELS } from '../model.js';
import { isNotFound } from './errors.js';
import { projectContainers, serviceOf } from './state.js';
import { LineSplitter } from '../output/log-printer.js';

export interface ContainerEvent {
  type: 'created' | 'recreated' | 'started' | 'restarted' | 'exited';
  id: string;
  /** the name without the project (`web-1`) */
  source: string;
  service: string;
  exitCode: number;
  /** the container restarts by policy after this exit */
  restarting?: boolean;
  labels: Record<string, string>;
}

export type ContainerListener = (e: ContainerEvent) => void;

interface EngineEvent { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } }

export class ProjectMonitor {
  private readonly listeners: ContainerListener[] = [];
  private readonly abort = new AbortController();
  private markReady!: () => void;
  /** resolves once the event stream is open (or the monitor has nothing to watch): start containers after it */
  readonly ready = new Promise<void>((r) => { this.markReady = r; });

  constructor(private readonly client: EngineClient, private readonly project: string, private readonly services: Set<string> | null) {}

  on(l: ContainerListener): this { this.listeners.push(l); return this; }
  stop(): void { this.abort.abort(); }

  private wanted(service: string): boolean { return !this.services || this.services.has(service); }

  /**
   * Runs until the watched set is empty. `initial` decides which containers count at the start:
   * compose counts every container of the project (attached up); `logs -f` counts the running ones.
   */
  async run(initial: 'all' | 'running' = 'all'): Promise<void> {
    const list = await projectContainers(this.client, this.project, { oneoff: false, all: initial === 'all' });
    const watched = new Set(list.filter((c: ContainerSummary) => c.Labels?.[LABELS.configHash] !== undefined && this.wanted(serviceOf(c))).map((c) => c.Id!));
    const restarting = new Set<string>();
    let res;
    try {
      res = await this.client.request('GET', '/events', {
        query: { filters: JSON.stringify({ type: ['container'], label: [`${LABELS.project}=${this.project}`] }) },
        signal: this.abort.signal,
      });
    } catch (e) {
      this.markReady();
      if (this.abort.signal.aborted) return;
      throw e;
    }
    this.markReady();
    if (watched.size === 0) { res.destroy(); return; }
    await new Promise<void>((resolve, reject) => {
      let queue = Promise.resolve();
      const finish = () => { res.destroy(); resolve(); };
      const lines = new LineSplitter((line) => {
        if (!line.trim()) return;
        let ev: EngineEvent;
        try { ev = JSON.parse(line); } catch { return; }
        // handled in order: a die needs an inspect before the next event is looked at
        queue = queue.then(() => this.handle(ev, watched, restarting)).then(() => { if (watched.size === 0) finish(); }, reject);
      });
      res.on('data', (c: Buffer) => lines.push(c));
      res.once('end', () => queue.then(resolve, reject));
      res.once('error', (e: NodeJS.ErrnoException) => { if (this.abort.signal.aborted || e.name === 'AbortError' || e.code === 'ECONNRESET') resolve(); else reject(e); });
      this.abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  private emit(e: ContainerEvent): void { for (const l of this.listeners) l(e); }

  private async handle(ev: EngineEvent, watched: Set<string>, restarting: Set<string>): Promise<void> {
    const attrs = ev.Actor?.Attributes ?? {};
    const id = ev.Actor?.ID ?? '';
    const service = attrs[LABELS.service] ?? '';
    if (!this.wanted(service) || attrs[LABELS.oneoff] === 'True') return;
    const name = attrs.name ?? '';
    const def = `${this.project}-${service}-${attrs[LABELS.containerNumber] ?? ''}`;
    const base = { id, service, labels: attrs, source: name === def ? name.slice(this.project.length + 1) : name, exitCode: Number(attrs.exitCode ?? 0) || 0 };
    switch (ev.Action) {
      case 'create':
        watched.add(id);
        this.emit({ ...base, type: attrs[LABELS.replace] ? 'recreated' : 'created' });
        return;
      case 'start':
        watched.add(id);
        this.emit({ ...base, type: 'started', restarting: restarting.has(id) });
        return;
      case 'restart':
        this.emit({ ...base, type: 'restarted' });
        return;
      case 'stop':
        watched.delete(id);
        return;
      case 'die': {
        let info: ContainerInspectResponse | null = null;
        try {
          info = await this.client.json<ContainerInspectResponse>('GET', `/containers/${id}/json`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        if (info?.State?.Restarting || info?.State?.Running) {
          restarting.add(id);
          this.emit({ ...base, type: 'exited', restarting: true });
        } else {
          this.emit({ ...base, type: 'exited' });
          watched.delete(id);
        }
        return;
      }
      default:
    }
  }
}
