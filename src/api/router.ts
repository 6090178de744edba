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

  /**
   * Routes whose module is imported on their first request, not at start (the daemon's memory:
   * docs/performance.md#memory). `routes` names the (method, pattern) pairs that `load`'s registrar
   * adds, in its order; they hold their place in this router, so matching, 404 and 405 answers are
   * the same as an eager registration's (test/api/lazy-routes.test.ts keeps the lists equal).
   */
  lazy(routes: ReadonlyArray<readonly [string, string]>, load: () => Promise<(r: Router) => void>): this {
    let loading: Promise<Router> | undefined;
    const loaded = (): Promise<Router> => {
      loading ??= load().then((register) => { const r = new Router(); register(r); return r; });
      // a failed import is not kept: the next request tries again
      loading.catch(() => { loading = undefined; });
      return loading;
    };
    for (const [method, pattern] of routes) {
      this.add(method, pattern, async (ctx) => {
        const handler = (await loaded()).handlerFor(method, pattern);
        if (!handler) throw new Error(`route module registered no ${method} ${pattern}`);
        await handler(ctx);
      });
    }
    return this;
  }

  /** The handler registered for exactly this method and pattern. */
  handlerFor(method: string, pattern: string): Handler | undefined {
    const source = new RegExp('^' + pattern + '$').source;
    return this.routes.find((r) => r.method === method && r.re.source === source)?.handler;
  }

  /** The (method, pattern) pairs in registration order (the lazy routes' test compares them). */
  list(): Array<[string, string]> {
    return this.routes.map((r) => [r.method, r.re.source.slice(1, -1)]);
  }

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
