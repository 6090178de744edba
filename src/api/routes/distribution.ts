/**
 * Engine API routes that move images between the engine and registries or archives:
 * pull (POST /images/create?fromImage=), push, save (/images/get), load, /auth and
 * /distribution/{name}/json. Credentials arrive base64url-encoded in X-Registry-Auth /
 * the /auth body, as the docker CLI sends them.
 */
import { readAll, RegistryRequestError, type Credentials } from '../../registry/client/http.js';
import { connectRegistry, listTags, MANIFEST_ACCEPT, pullImage } from '../../registry/client/pull.js';
import { pushImage, tagsOfRepo } from '../../registry/client/push.js';
import { jsonProgress } from '../../registry/client/progress.js';
import { jsonStream, type JsonStream } from '../json-stream.js';
import { registryHostsConfig } from '../../registry/client/daemon-config.js';
import { familiarString, parseNormalizedNamed } from '../../image/reference.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { sendJson } from '../http.js';
import { readBody } from '../request-body.js';
import type { Ctx, Router } from '../router.js';
import { saveImages } from '../../image/archive-save.js';
import { loadArchive } from '../../image/archive-load.js';

function decodeAuth(header: string | string[] | undefined): Credentials | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  try {
    const j = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    if (!j || typeof j !== 'object') return undefined;
    return { username: j.username || undefined, password: j.password || undefined, identitytoken: j.identitytoken || undefined, registrytoken: j.registrytoken || undefined };
  } catch { return undefined; }
}

function unreachable(e: unknown): boolean {
  return e instanceof RegistryRequestError && e.httpStatus === 502;
}

/** POST /images/create?fromImage=...&tag=... (a registry pull); `bootstrap` when no registry answers. */
export async function pullRoute(ctx: Ctx, fromImage: string, tag: string | undefined, bootstrap?: (s: JsonStream) => Promise<void>): Promise<void> {
  const s = jsonStream(ctx);
  const creds = decodeAuth(ctx.req.headers['x-registry-auth']);
  const platform = ctx.query.str('platform') || undefined;
  const base = parseNormalizedNamed(fromImage);
  const refs: string[] = [];
  const repoName = `${base.domain}/${base.path}`;
  try {
    if (!tag && !base.tag && !base.digest) {
      // docker pull -a: every tag the registry lists (itself: a mirror's list may be partial;
      // each tag is then pulled through the mirrors as usual)
      const http = await connectRegistry(base.domain, creds, { ...registryHostsConfig(), mirrors: {} });
      try { for (const t of await listTags(http, base.path)) refs.push(`${repoName}:${t}`); } finally { http.close(); }
    } else if (base.digest || base.tag) refs.push(fromImage);
    else if (tag && /^sha256:/.test(tag)) refs.push(`${repoName}@${tag}`);
    else refs.push(`${repoName}:${tag || 'latest'}`);
  } catch (e) {
    if (bootstrap && unreachable(e)) return bootstrap(s);
    s.fail(e); s.end(); return;
  }
  const progress = jsonProgress(s.write);
  for (const ref of refs) {
    try {
      const r = await pullImage({ images: ctx.engine.images, content: ctx.engine.content, ref, platform, creds, hosts: registryHostsConfig(), progress });
      s.write({ status: `Digest: ${r.digest}` });
      const shown = familiarString(parseNormalizedNamed(ref));
      s.write({ status: r.upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}` });
    } catch (e) {
      if (bootstrap && unreachable(e) && refs.length === 1) return bootstrap(s);
      s.fail(e);
      break;
    }
  }
  s.end();
}

export function distributionRoutes(r: Router): void {
  r.post('/images/(.+)/push', async (ctx) => {
    const name = ctx.params[0];
    const tag = ctx.query.str('tag');
    const creds = decodeAuth(ctx.req.headers['x-registry-auth']);
    const named = parseNormalizedNamed(name);
    const tags = tag ? [tag] : named.tag ? [named.tag] : tagsOfRepo(ctx.engine.images, named);
    ctx.engine.images.resolve(tags.length ? `${named.domain}/${named.path}:${tags[0]}` : name); // 404 before streaming
    const s = jsonStream(ctx);
    const progress = jsonProgress(s.write);
    for (const t of tags) {
      try {
        const res = await pushImage({ images: ctx.engine.images, content: ctx.engine.content, ref: `${named.domain}/${named.path}:${t}`, creds, hosts: registryHostsConfig(), progress });
        s.write({ progressDetail: {}, aux: { Tag: t, Digest: res.digest, Size: res.size } });
      } catch (e) { s.fail(e); break; }
    }
    s.end();
  });

  r.post('/auth', async (ctx) => {
    const body = await readBody(ctx, 'SystemAuth');
    const server = String(body.serveraddress || 'docker.io').replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const domain = server === 'index.docker.io' || server === 'registry-1.docker.io' ? 'docker.io' : server;
    const creds: Credentials = { username: body.username, password: body.password, identitytoken: typeof body.identitytoken === 'string' && body.identitytoken ? body.identitytoken : undefined };
    const http = await connectRegistry(domain, creds, { ...registryHostsConfig(), mirrors: {} });
    http.close();
    sendJson(ctx.res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  });

  r.get('/distribution/(.+)/json', async (ctx) => {
    const named = parseNormalizedNamed(ctx.params[0]);
    const reference = named.digest ?? named.tag ?? 'latest';
    const http = await connectRegistry(named.domain, decodeAuth(ctx.req.headers['x-registry-auth']), registryHostsConfig());
    try {
      const res = await http.send('GET', `/v2/${named.path}/manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, scope: [{ repo: named.path, actions: ['pull'] }] });
      const raw = await readAll(res, 4 * 1024 * 1024);
      const doc = JSON.parse(raw.toString());
      const { createHash } = await import('node:crypto');
      const digest = 'sha256:' + createHash('sha256').update(raw).digest('hex');
      const mediaType = doc.mediaType ?? String(res.headers['content-type'] ?? '');
      const platforms = Array.isArray(doc.manifests) ? doc.manifests.filter((m: any) => m.platform).map((m: any) => m.platform) : [];
      sendJson(ctx.res, 200, { Descriptor: { mediaType, digest, size: raw.length }, Platforms: platforms });
    } finally { http.close(); }
  });

  r.get('/images/get', async (ctx) => {
    const names = ctx.query.all('names');
    if (names.length === 0) throw new InvalidArgumentError('names is required');
    await saveImages(ctx.engine.images, names, ctx.res, () => ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' }));
  });
  r.get('/images/(.+)/get', async (ctx) => {
    await saveImages(ctx.engine.images, [ctx.params[0]], ctx.res, () => ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' }));
  });

  r.post('/images/load', async (ctx) => {
    const quiet = ctx.query.bool('quiet');
    const loaded = await loadArchive(ctx.engine.images, ctx.req, { tmpDir: ctx.engine.paths.tmp });
    const s = jsonStream(ctx);
    for (const l of loaded) {
      const msg = l.tag ? `Loaded image: ${familiarString(parseNormalizedNamed(l.tag))}` : `Loaded image ID: ${l.id}`;
      if (!quiet || l.tag) s.write({ stream: msg + '\n' });
    }
    s.end();
  });
}
