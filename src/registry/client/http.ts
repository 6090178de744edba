/**
 * HTTP to one registry: auth from the WWW-Authenticate challenge (anonymous, basic, or a
 * bearer token fetched with the scopes the request needs), retries with backoff on 429,
 * 5xx and dropped connections, and the registry's error bodies turned into clear errors.
 */
import { type Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { agentFor, sharedAgentFor } from './agents.js';
import type { Readable } from 'node:stream';
import { BerthError } from '../../common/errors.js';
import type { Endpoint } from './hosts.js';

export interface Credentials { username?: string; password?: string; identitytoken?: string; registrytoken?: string }

export class RegistryRequestError extends BerthError {
  constructor(readonly httpStatus: number, message: string, readonly registryCode?: string) {
    super(message, { code: 'ERR_REGISTRY', status: httpStatus === 404 ? 404 : httpStatus === 401 || httpStatus === 403 ? httpStatus : 500 });
  }
}

export interface SendOptions {
  headers?: Record<string, string | number>;
  /** a function so that a retry can send the body again */
  body?: () => Buffer | Readable;
  /** repository scope actions this request needs, e.g. ['pull'] */
  scope?: { repo: string; actions: string[] }[];
  retries?: number;
  /** statuses handed back to the caller instead of thrown */
  accept?: number[];
}

function parseChallenge(h: string): { scheme: string; params: Record<string, string> } {
  const i = h.indexOf(' ');
  const scheme = (i < 0 ? h : h.slice(0, i)).toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(i < 0 ? '' : h.slice(i + 1)))) params[m[1].toLowerCase()] = m[2] ?? m[3];
  return { scheme, params };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function readAll(res: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) { res.destroy(); throw new RegistryRequestError(500, `response larger than ${limit} bytes`); }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export class RegistryHttp {
  private agent: HttpAgent;
  private challenge: { scheme: string; params: Record<string, string> } | undefined;
  private tokens = new Map<string, string>();

  constructor(readonly endpoint: Endpoint, readonly creds?: Credentials) {
    this.agent = agentFor(endpoint.base, endpoint.tls);
  }

  close(): void { this.agent.destroy(); }

  private raw(method: string, url: string, headers: Record<string, string | number>, body?: Buffer | Readable): Promise<IncomingMessage> {
    const u = new URL(url);
    const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = u.origin === this.endpoint.base ? this.agent : sharedAgentFor(u);
    return new Promise((resolve, reject) => {
      const req = fn(u, { method, headers, agent }, resolve);
      req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${u.pathname} timed out`)));
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else { body.on('error', (e) => req.destroy(e)); body.pipe(req); }
    });
  }

  private scopeKey(scope: SendOptions['scope']): string {
    return (scope ?? []).map((s) => `repository:${s.repo}:${s.actions.join(',')}`).join(' ');
  }

  private basic(): string | undefined {
    const c = this.creds;
    if (!c?.username && !c?.password) return undefined;
    return 'Basic ' + Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64');
  }

  /** Answer the challenge: basic credentials, or a bearer token for the scopes. */
  private async authorizeFor(scope: SendOptions['scope']): Promise<string | undefined> {
    if (!this.challenge) return undefined;
    if (this.challenge.scheme === 'basic') return this.basic();
    if (this.challenge.scheme !== 'bearer') return undefined;
    if (this.creds?.registrytoken) return `Bearer ${this.creds.registrytoken}`;
    const key = this.scopeKey(scope);
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const realm = this.challenge.params.realm;
    if (!realm) throw new RegistryRequestError(401, 'registry bearer challenge without realm');
    const u = new URL(realm);
    if (this.challenge.params.service) u.searchParams.set('service', this.challenge.params.service);
    for (const s of key.split(' ').filter(Boolean)) u.searchParams.append('scope', s);
    let res: IncomingMessage;
    if (this.creds?.identitytoken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.creds.identitytoken, service: this.challenge.params.service ?? '', scope: key, client_id: 'berth' });
      const body = Buffer.from(form.toString());
      res = await this.raw('POST', realm, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length }, body);
    } else {
      const auth = this.basic();
      res = await this.raw('GET', u.toString(), auth ? { Authorization: auth } : {});
    }
    const text = (await readAll(res, 1024 * 1024)).toString();
    if (res.statusCode !== 200) {
      throw new RegistryRequestError(res.statusCode === 401 || res.statusCode === 403 ? 401 : 500, `unauthorized: token request to ${u.origin} failed (${res.statusCode}): ${text.slice(0, 200)}`);
    }
    let tok: string | undefined;
    try { const j = JSON.parse(text); tok = j.token ?? j.access_token; } catch { /* below */ }
    if (!tok) throw new RegistryRequestError(500, `token service at ${u.origin} returned no token`);
    this.tokens.set(key, tok);
    return `Bearer ${tok}`;
  }

  /** One registry request with auth and retries; a non-accepted error status throws. */
  async send(method: string, pathOrUrl: string, opts: SendOptions = {}): Promise<IncomingMessage> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : this.endpoint.base + pathOrUrl;
    const retries = opts.retries ?? 4;
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string | number> = { 'User-Agent': 'berth', ...opts.headers };
      const auth = await this.authorizeFor(opts.scope);
      if (auth) headers.Authorization = auth;
      let res: IncomingMessage;
      try {
        res = await this.raw(method, url, headers, opts.body?.());
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const tls = isTlsError(e);
        if (attempt < retries && !tls && code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EPROTO') {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        if (tls) {
          throw new RegistryRequestError(502, `TLS with registry ${this.endpoint.host} failed: ${(e as Error).message} `
            + `(a private CA goes in certs.d/${this.endpoint.host}/ca.crt, a client certificate in client.cert and client.key there)`);
        }
        throw new RegistryRequestError(502, `cannot reach registry ${this.endpoint.host}: ${(e as Error).message}`);
      }
      const status = res.statusCode ?? 0;
      if (status === 401 && !authRetried) {
        const h = res.headers['www-authenticate'];
        await readAll(res).catch(() => undefined);
        if (h) {
          this.challenge = parseChallenge(Array.isArray(h) ? h[0] : h);
          this.tokens.delete(this.scopeKey(opts.scope));
          authRetried = true;
          attempt--;
          continue;
        }
        throw new RegistryRequestError(401, `unauthorized: authentication required by ${this.endpoint.host}`);
      }
      if ((status === 429 || status >= 500) && attempt < retries && !opts.accept?.includes(status)) {
        await readAll(res).catch(() => undefined);
        const ra = Number(res.headers['retry-after']);
        await sleep(Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 5000) : 250 * 2 ** attempt);
        continue;
      }
      if (status >= 400 && !opts.accept?.includes(status)) throw await this.errorOf(method, url, res);
      return res;
    }
  }

  private async errorOf(method: string, url: string, res: IncomingMessage): Promise<RegistryRequestError> {
    const status = res.statusCode ?? 0;
    let code: string | undefined;
    let msg = '';
    try {
      const body = JSON.parse((await readAll(res, 64 * 1024)).toString());
      code = body.errors?.[0]?.code;
      msg = body.errors?.[0]?.message ?? '';
    } catch { /* no JSON body */ }
    const what = new URL(url).pathname;
    const base: Record<number, string> = {
      401: 'unauthorized: authentication required', 403: 'denied: requested access to the resource is denied',
      404: 'not found', 429: 'toomanyrequests: too many requests to the registry',
    };
    const text = code ? `${code.toLowerCase()}: ${msg}` : (base[status] ?? `registry answered ${status}`);
    return new RegistryRequestError(status, `${text} (${method} ${this.endpoint.host}${what})`, code);
  }
}

/** certificate verification and handshake failures: retrying does not help, the CA or client cert is missing */
function isTlsError(e: unknown): boolean {
  const code = String((e as NodeJS.ErrnoException).code ?? '');
  return /^(ERR_TLS|ERR_SSL|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|HOSTNAME_MISMATCH)/.test(code)
    || /certificate|ssl3_|tlsv1/i.test((e as Error).message ?? '');
}
