/**
 * `berth registry serve`: an OCI distribution spec v1.1 registry over RegistryStorage.
 * Pull, monolithic and chunked push, cross-repository mount, tag listing and catalog with
 * pagination, manifest and blob delete, the referrers API, basic or token auth, TLS,
 * size limits and online garbage collection.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync, utimesSync } from 'node:fs';
import { DIGEST_RE } from '../../common/digest.js';
import { log } from '../../common/log.js';
import { Authenticator, type Access, type AuthConfig } from './auth.js';
import { RegistryError } from './errors.js';
import { RegistryStorage } from './storage.js';

export interface RegistryServerOptions {
  root: string;
  auth?: AuthConfig;
  tls?: { cert: string; key: string; clientCa?: string };
  maxManifestBytes?: number;
  maxBlobBytes?: number;
  /** run garbage collection this often (ms); 0 = never */
  gcIntervalMs?: number;
  /** blobs younger than this survive online GC (a push in flight) */
  gcGraceMs?: number;
  /** deleting manifests and blobs (distribution: storage.delete.enabled) */
  deleteEnabled?: boolean;
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export class RegistryServer {
  readonly storage: RegistryStorage;
  readonly server: Server;
  private auth: Authenticator;
  private gcTimer: NodeJS.Timeout | undefined;
  private gcRunning: Promise<unknown> | undefined;
  private readonly maxManifest: number;
  private readonly maxBlob: number;

  constructor(readonly opts: RegistryServerOptions) {
    this.storage = new RegistryStorage(opts.root);
    this.auth = new Authenticator(opts.auth ?? { mode: 'none' });
    this.maxManifest = opts.maxManifestBytes ?? 4 * 1024 * 1024;
    this.maxBlob = opts.maxBlobBytes ?? Number.MAX_SAFE_INTEGER;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Docker-Distribution-Api-Version', 'registry/2.0');
      this.handle(req, res).catch((e) => this.sendError(res, e));
    };
    this.server = opts.tls
      ? createHttpsServer({
        cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key),
        ...(opts.tls.clientCa ? { ca: readFileSync(opts.tls.clientCa), requestCert: true, rejectUnauthorized: true } : {}),
      }, handler)
      : createHttpServer(handler);
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 30_000;
  }

  listen(port: number, host = '127.0.0.1'): Promise<{ port: number; host: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address();
        if (this.opts.gcIntervalMs) {
          this.gcTimer = setInterval(() => { void this.gc(); }, this.opts.gcIntervalMs);
          this.gcTimer.unref();
        }
        resolve({ port: typeof a === 'object' && a ? a.port : port, host });
      });
    });
  }

  close(): Promise<void> {
    if (this.gcTimer) clearInterval(this.gcTimer);
    return new Promise((resolve) => { this.server.close(() => resolve()); this.server.closeAllConnections(); });
  }

  /** Online GC: one run at a time, with a grace period for pushes in flight. */
  async gc(): Promise<{ deleted: string[]; kept: number; orphans: string[] }> {
    while (this.gcRunning) await this.gcRunning.catch(() => {});
    const p = this.storage.collectGarbage({ graceMs: this.opts.gcGraceMs ?? 10 * 60_000 });
    this.gcRunning = p;
    try {
      const r = await p;
      if (r.deleted.length) log.info('registry gc', { deleted: r.deleted.length, kept: r.kept });
      return r;
    } finally { this.gcRunning = undefined; }
  }

  private sendError(res: ServerResponse, e: unknown): void {
    const err = e instanceof RegistryError ? e
      : (e as NodeJS.ErrnoException)?.code === 'ENOSPC' ? new RegistryError(507, 'UNKNOWN', 'no space left on device')
        : new RegistryError(500, 'UNKNOWN', (e as Error)?.message ?? String(e));
    if (err.status >= 500) log.error('registry request failed', { message: err.message });
    if (res.headersSent) { res.destroy(); return; }
    const body = Buffer.from(JSON.stringify(err.body()));
    res.writeHead(err.status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length, ...headers });
    res.end(data);
  }

  private empty(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
    res.writeHead(status, { 'Content-Length': 0, ...headers });
    res.end();
  }

  private baseUrl(req: IncomingMessage): string {
    return `${this.opts.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  }

  private authorize(req: IncomingMessage, res: ServerResponse, access: Access[]): boolean {
    const r = this.auth.authorize(req.headers.authorization, access, this.baseUrl(req));
    if (r.ok) return true;
    req.resume();
    const body = Buffer.from(JSON.stringify(r.error.body()));
    res.writeHead(401, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'WWW-Authenticate': r.challenge });
    res.end(body);
    return false;
  }

  private async readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) { req.resume(); throw new RegistryError(413, 'SIZE_INVALID', `manifest exceeds the limit of ${limit} bytes`); }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > limit) { req.destroy(); throw new RegistryError(413, 'SIZE_INVALID', `manifest exceeds the limit of ${limit} bytes`); }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/v2' || path === '/v2/') {
      if (!this.authorize(req, res, [])) return;
      return this.json(res, 200, {});
    }
    if (path === '/token' && this.opts.auth?.mode === 'token') {
      const t = this.auth.issueToken(req.headers.authorization, url.searchParams.getAll('scope'), url.searchParams.get('service') ?? undefined);
      return this.json(res, 200, { ...t, access_token: t.token });
    }
    if (path === '/v2/_catalog') {
      if (method !== 'GET') throw new RegistryError(405, 'UNSUPPORTED', 'method not allowed');
      if (!this.authorize(req, res, [{ type: 'registry', name: 'catalog', actions: ['*'] }])) return;
      return this.paginate(res, url, this.storage.catalog(), '/v2/_catalog', (items) => ({ repositories: items }));
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(path))) return this.uploads(req, res, url, m[1], m[2]);
    if ((m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path))) return this.blobs(req, res, m[1], m[2]);
    if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path))) return this.manifests(req, res, url, m[1], m[2]);
    if ((m = /^\/v2\/(.+)\/tags\/list$/.exec(path))) {
      const name = m[1];
      this.storage.checkName(name);
      if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['pull'] }])) return;
      if (!this.storage.repoExists(name)) throw new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
      return this.paginate(res, url, this.storage.tags(name), `/v2/${name}/tags/list`, (items) => ({ name, tags: items }));
    }
    if ((m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(path))) {
      const [, name, digest] = m;
      this.storage.checkName(name);
      if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['pull'] }])) return;
      if (!DIGEST_RE.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest });
      let manifests = this.storage.referrers(name, digest);
      const artifactType = url.searchParams.get('artifactType');
      const headers: Record<string, string> = {};
      if (artifactType) {
        manifests = manifests.filter((d) => d.artifactType === artifactType);
        headers['OCI-Filters-Applied'] = 'artifactType';
      }
      return this.json(res, 200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, { ...headers, 'Content-Type': OCI_INDEX });
    }
    throw new RegistryError(404, 'NAME_UNKNOWN', 'not found');
  }

  private paginate(res: ServerResponse, url: URL, all: string[], path: string, wrap: (items: string[]) => unknown): void {
    const nRaw = url.searchParams.get('n');
    const last = url.searchParams.get('last');
    let items = last ? all.filter((t) => t > last) : all;
    const headers: Record<string, string> = {};
    if (nRaw !== null) {
      const n = Number(nRaw);
      if (!Number.isInteger(n) || n < 0) throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', 'invalid number of results requested', { n: nRaw });
      if (items.length > n) {
        items = items.slice(0, n);
        if (n > 0) headers.Link = `<${path}?n=${n}&last=${encodeURIComponent(items[items.length - 1])}>; rel="next"`;
      }
    }
    this.json(res, 200, wrap(items), headers);
  }

  private async blobs(req: IncomingMessage, res: ServerResponse, name: string, digest: string): Promise<void> {
    this.storage.checkName(name);
    const method = req.method;
    if (method === 'DELETE') {
      if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['delete'] }])) return;
      if (this.opts.deleteEnabled === false) throw new RegistryError(405, 'UNSUPPORTED', 'deletion is disabled');
      await this.storage.unlinkBlob(name, digest);
      return this.empty(res, 202, { 'Docker-Content-Digest': digest });
    }
    if (method !== 'GET' && method !== 'HEAD') throw new RegistryError(405, 'UNSUPPORTED', 'method not allowed');
    if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['pull'] }])) return;
    const st = this.storage.blobStat(name, digest);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': digest, 'Accept-Ranges': 'bytes',
      ETag: `"${digest}"`, 'Cache-Control': 'max-age=31536000',
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), st.size - 1) : st.size - 1;
      if (start >= st.size || end < start) {
        return this.empty(res, 416, { 'Content-Range': `bytes */${st.size}` });
      }
      res.writeHead(206, { ...headers, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${st.size}` });
      if (method === 'HEAD') { res.end(); return; }
      this.storage.blobStream(digest, { start, end }).on('error', (e) => res.destroy(e)).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': st.size });
    if (method === 'HEAD') { res.end(); return; }
    this.storage.blobStream(digest).on('error', (e) => res.destroy(e)).pipe(res);
  }

  private uploadHeaders(name: string, uuid: string, size: number): Record<string, string> {
    return {
      Location: `/v2/${name}/blobs/uploads/${uuid}`, 'Docker-Upload-UUID': uuid,
      Range: `0-${Math.max(0, size - 1)}`, 'OCI-Chunk-Min-Length': '0',
    };
  }

  private async uploads(req: IncomingMessage, res: ServerResponse, url: URL, name: string, uuid: string): Promise<void> {
    this.storage.checkName(name);
    const method = req.method;
    const push: Access = { type: 'repository', name, actions: ['pull', 'push'] };
    if (method === 'POST' && uuid === '') {
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from') ?? undefined;
      const access = [push];
      if (mount && from && from !== name) access.push({ type: 'repository', name: from, actions: ['pull'] });
      if (!this.authorize(req, res, access)) return;
      if (mount) {
        if (from !== undefined) this.storage.checkName(from);
        if (this.storage.mount(name, from, mount)) {
          try { const now = new Date(); utimesSync(this.storage.content.path(mount), now, now); } catch { /* gc grace only */ }
          req.resume();
          return this.empty(res, 201, { Location: `/v2/${name}/blobs/${mount}`, 'Docker-Content-Digest': mount });
        }
      }
      const digest = url.searchParams.get('digest');
      const info = this.storage.startUpload(name);
      if (digest !== null && !mount) {
        const after = await this.storage.appendUpload(info, req, undefined, this.maxBlob).catch(async (e) => { await this.storage.cancelUpload(info); throw e; });
        await this.storage.commitUpload(after, digest);
        return this.empty(res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
      }
      req.resume();
      return this.empty(res, 202, this.uploadHeaders(name, info.uuid, 0));
    }
    if (!this.authorize(req, res, [push])) return;
    const info = this.storage.upload(name, uuid);
    if (method === 'GET') { req.resume(); return this.empty(res, 204, this.uploadHeaders(name, uuid, info.size)); }
    if (method === 'DELETE') { req.resume(); await this.storage.cancelUpload(info); return this.empty(res, 204); }
    const cr = /^(?:bytes )?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(String(req.headers['content-range'] ?? ''));
    const start = cr ? Number(cr[1]) : undefined;
    if (method === 'PATCH') {
      const after = await this.storage.appendUpload(info, req, start, this.maxBlob);
      return this.empty(res, 202, this.uploadHeaders(name, uuid, after.size));
    }
    if (method === 'PUT') {
      const digest = url.searchParams.get('digest');
      if (!digest) { req.resume(); throw new RegistryError(400, 'DIGEST_INVALID', 'digest parameter missing'); }
      const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      const after = hasBody ? await this.storage.appendUpload(info, req, start, this.maxBlob) : (req.resume(), info);
      await this.storage.commitUpload(after, digest);
      return this.empty(res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
    }
    throw new RegistryError(405, 'UNSUPPORTED', 'method not allowed');
  }

  private async manifests(req: IncomingMessage, res: ServerResponse, url: URL, name: string, reference: string): Promise<void> {
    this.storage.checkName(name);
    const method = req.method;
    if (method === 'GET' || method === 'HEAD') {
      if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['pull'] }])) return;
      const mf = this.storage.getManifest(name, reference);
      res.writeHead(200, { 'Content-Type': mf.mediaType, 'Content-Length': mf.raw.length, 'Docker-Content-Digest': mf.digest, ETag: `"${mf.digest}"` });
      res.end(method === 'HEAD' ? undefined : mf.raw);
      return;
    }
    if (method === 'PUT') {
      if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['pull', 'push'] }])) return;
      const raw = await this.readBody(req, this.maxManifest);
      const tags = url.searchParams.getAll('tag');
      const digest = await this.storage.putManifest(name, reference, raw, req.headers['content-type'], tags);
      const headers: Record<string, string> = { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest };
      try {
        const subject = JSON.parse(raw.toString()).subject?.digest;
        if (subject) headers['OCI-Subject'] = subject;
      } catch { /* validated already */ }
      return this.empty(res, 201, headers);
    }
    if (method === 'DELETE') {
      if (!this.authorize(req, res, [{ type: 'repository', name, actions: ['delete'] }])) return;
      if (this.opts.deleteEnabled === false) throw new RegistryError(405, 'UNSUPPORTED', 'deletion is disabled');
      await this.storage.deleteManifest(name, reference);
      return this.empty(res, 202);
    }
    throw new RegistryError(405, 'UNSUPPORTED', 'method not allowed');
  }
}
