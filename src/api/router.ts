import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import type { DaemonFacts } from '../audit/facts.js';
import { Query } from './http.js';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
  query: Query;
  /** negotiated API version of this request */
  version: string;
  engine: Engine;
  /** what the daemon knows about itself (listeners, daemon.json), for the audit; absent outside `berth serve` */
  facts?: DaemonFacts;
  /** set when the client asked to upgrade the connection (attach, exec start) */
  upgrade?: { socket: Duplex; head: Buffer; body: Buffer };
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route { method: string; re: RegExp; handler: Handler; template: string }

/**
 * A route's pattern as a bounded label for metrics: `/containers/([^/]+)/start` -> `/containers/{id}/start`,
 * `/images/(.+)/json` -> `/images/{name}/json` (raw paths would make one series per container).
 */
export function routeTemplate(pattern: string): string {
  return pattern.replace(/\(\[\^\/\]\+\)/g, '{id}').replace(/\(\.\+\)|\.\+/g, '{name}').replace(/[()]/g, '');
}

/** Method + anchored regex routes; the regex groups become ctx.params. */
export class Router {
  private routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, re: new RegExp('^' + pattern + '$'), handler, template: routeTemplate(pattern) });
    return this;
  }
  get(p: string, h: Handler): this { return this.add('GET', p, h); }
  post(p: string, h: Handler): this { return this.add('POST', p, h); }
  put(p: string, h: Handler): this { return this.add('PUT', p, h); }
  delete(p: string, h: Handler): this { return this.add('DELETE', p, h); }
  head(p: string, h: Handler): this { return this.add('HEAD', p, h); }

  match(method: string, path: string): { handler: Handler; params: string[]; template: string } | 'method' | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, params: m.slice(1).map((x) => decodeURIComponent(x ?? '')), template: r.template };
    }
    return pathMatched ? 'method' : undefined;
  }
}
