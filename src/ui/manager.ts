/**
 * The daemon's dashboard: its listener (started with the daemon by `--ui`, or on demand on loopback
 * when `berth ui` asks over the unix socket), its sessions, and the one-time tokens `berth ui` prints.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../engine/engine.js';
import type { DaemonFacts } from '../audit/facts.js';
import type { ApiRequestObserver } from '../metrics/daemon-metrics.js';
import { BerthError } from '../common/errors.js';
import { log } from '../common/log.js';
import { createApiServer } from '../api/server.js';
import type { Router } from '../api/router.js';
import { sendJson } from '../api/http.js';
import { UI_TOKEN_FRAGMENT } from './contract.js';
import { checkUiAccess, isLoopbackHost, parseUiAddress, readUiPassword, uiTlsOptions, type UiAddress, type UiConfig } from './config.js';
import { DEFAULT_LIMITS, UiSessions, type SessionLimits } from './sessions.js';
import { StaticFiles, defaultUiDir } from './static-files.js';

/** where `berth ui` starts the dashboard when the daemon was not started with --ui: a free loopback port */
export const ON_DEMAND_ADDRESS = '127.0.0.1:0';
export const SESSION_TOKEN_PATH = '/berth/ui/session-token';

export interface UiTokenAnswer {
  /** the page's URL with the token in its fragment, which the browser never sends to a server */
  URL: string;
  Token: string;
  /** RFC 3339 */
  ExpiresAt: string;
  /** where the dashboard listens, host:port */
  Address: string;
}

export interface UiManagerOptions {
  /** dist/ui unless told (BERTH_UI_DIR) */
  uiDir?: string;
  limits?: SessionLimits;
  requests?: ApiRequestObserver;
  facts?: DaemonFacts;
}

export class UiManager {
  readonly sessions: UiSessions;
  private server?: Server;
  private bound?: UiAddress;
  private starting?: Promise<UiAddress>;
  private readonly files: StaticFiles;

  constructor(private readonly engine: Engine, private readonly config: UiConfig, private readonly opts: UiManagerOptions = {}) {
    this.sessions = new UiSessions(opts.limits ?? DEFAULT_LIMITS);
    this.files = new StaticFiles(opts.uiDir || process.env.BERTH_UI_DIR || defaultUiDir());
  }

  /** where it listens now, if it does */
  get address(): UiAddress | undefined { return this.bound; }

  /** Starts the listener at `addr` (the configured one by default); a second call returns the first's address. */
  listen(addr: string = this.config.address ?? ON_DEMAND_ADDRESS): Promise<UiAddress> {
    this.starting ??= this.open(addr).catch((e) => { this.starting = undefined; throw e; });
    return this.starting;
  }

  private async open(addrText: string): Promise<UiAddress> {
    const addr = parseUiAddress(addrText);
    checkUiAccess(addr, this.config);
    const api = createApiServer(this.engine, undefined, this.opts.facts, this.opts.requests);
    // the dashboard's server (with its terminal's WebSocket library) only for a daemon that serves it
    const { createUiServer } = await import('./server.js');
    const server = createUiServer({
      engine: this.engine,
      api,
      sessions: this.sessions,
      files: this.files,
      ...(this.config.tls ? { tls: uiTlsOptions(this.config.tls) } : {}),
      ...(this.config.passwordFile ? { password: readUiPassword(this.config.passwordFile) } : {}),
      loopbackOnly: isLoopbackHost(addr.host),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new BerthError(e.code === 'EADDRINUSE'
        ? `the dashboard's address ${addr.display} is already in use`
        : `could not listen on ${addr.display} for the dashboard: ${e.message}`, { code: 'ERR_UI_LISTEN', status: 500 })));
      server.listen(addr.port, addr.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.server = server;
    this.bound = { host: addr.host, port, display: `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${port}` };
    if (!this.files.built) log.warn('the dashboard bundle was not built; the page says so', { dir: this.files.dir });
    log.info('dashboard listening', { address: this.bound.display, tls: Boolean(this.config.tls) });
    return this.bound;
  }

  /** A one-time token for `berth ui`, with the URL that carries it; starts the listener on loopback if needed. */
  async issueToken(): Promise<UiTokenAnswer> {
    const addr = await this.listen();
    const { token, expiresAt } = this.sessions.mintToken();
    // a wildcard address is reachable on loopback from this host
    const host = addr.host === '0.0.0.0' ? '127.0.0.1' : addr.host === '::' ? '[::1]' : addr.host.includes(':') ? `[${addr.host}]` : addr.host;
    const scheme = this.config.tls ? 'https' : 'http';
    return { URL: `${scheme}://${host}:${addr.port}/#${UI_TOKEN_FRAGMENT}=${token}`, Token: token, ExpiresAt: new Date(expiresAt).toISOString(), Address: addr.display };
  }

  close(): void {
    if (!this.server) return;
    this.server.close();
    this.server.closeAllConnections();
  }
}

/** The unix socket's own route (never the dashboard's or a TCP listener's): `berth ui` asks for a token. */
export function uiSocketRoutes(ui: UiManager): (r: Router) => void {
  return (r) => {
    r.post(SESSION_TOKEN_PATH, async (ctx) => sendJson(ctx.res, 201, await ui.issueToken()));
  };
}
