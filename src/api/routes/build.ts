/**
 * POST /build with the classic builder's semantics: the body is the context as
 * a tar (plain, gzip or zstd), the answer a JSON progress stream of `stream`
 * lines, `aux` {"ID": ...} and `errorDetail` on failure. POST /build/prune frees
 * build cache.
 */
import type { Router, Ctx } from '../router.js';
import { InvalidArgumentError, NotSupportedError, toBerthError } from '../../common/errors.js';
import { sendJson } from '../http.js';
import { checkStringMapParam } from '../body-types.js';
import { BuildStepError } from '../../builder/builder.js';
import { decodeSecrets, SECRETS_HEADER } from '../../builder/build-secrets.js';
import { decodeRegistryConfig } from '../../registry/client/credentials.js';

function jsonParam<T>(ctx: Ctx, name: string, fallback: T): T {
  const raw = ctx.query.str(name);
  if (raw === undefined || raw === '') return fallback;
  try { return JSON.parse(raw) as T; } catch { throw new InvalidArgumentError(`invalid JSON in ${name}: ${raw}`, 'ERR_BAD_PARAM'); }
}

export function buildRoutes(r: Router): void {
  r.post('/build', async (ctx) => {
    const q = ctx.query;
    if (q.str('remote')) throw new NotSupportedError('building from a remote URL (remote=) is not supported yet; send the context as a tar');
    if (q.str('version') === '2') throw new NotSupportedError('BuildKit (version=2) is not supported; use the classic builder (DOCKER_BUILDKIT=0)');
    const buildArgs = jsonParam<Record<string, string | null>>(ctx, 'buildargs', {});
    const labels = jsonParam<Record<string, string>>(ctx, 'labels', {});
    checkStringMapParam('build args', buildArgs);
    checkStringMapParam('labels', labels);
    const cacheFrom = jsonParam<string[]>(ctx, 'cachefrom', []);
    const quiet = q.bool('q');
    const secrets = decodeSecrets(ctx.req.headers[SECRETS_HEADER]); // before the body is read: a bad header changes nothing
    const tags = q.all('t').filter((t) => t !== '');
    let started = false;
    const write = (obj: unknown): void => {
      if (!started) { ctx.res.writeHead(200, { 'Content-Type': 'application/json' }); started = true; }
      ctx.res.write(JSON.stringify(obj) + '\n');
    };
    try {
      const res = await ctx.engine.build({
        context: ctx.req, dockerfile: q.str('dockerfile') || 'Dockerfile', tags, buildArgs, labels,
        target: q.str('target') || undefined, noCache: q.bool('nocache'), pull: q.bool('pull'), cacheFrom,
        network: q.str('networkmode') || undefined, secrets,
        registryCreds: decodeRegistryConfig(ctx.req.headers['x-registry-config']), platform: q.str('platform') || undefined,
        sbom: q.bool('sbom'), // berth's own: attach the image's SBOM (docs/sbom.md, "Attached SBOMs")
        onNotice: (text) => write({ stream: text }),
        onOutput: (text) => { if (!quiet && !text.startsWith('Successfully ')) write({ stream: text }); },
      });
      if (res.sbom && !quiet) write({ stream: `Attached SBOM ${res.sbom.digest} (${res.sbom.artifactType ?? res.sbom.mediaType})\n` });
      write({ aux: { ID: res.imageId } });
      if (quiet) write({ stream: res.imageId + '\n' });
      else {
        write({ stream: `Successfully built ${res.imageId.slice(7, 19)}\n` });
        for (const t of tags) write({ stream: `Successfully tagged ${t.includes(':') ? t : t + ':latest'}\n` });
      }
      ctx.res.end();
    } catch (e) {
      const err = toBerthError(e);
      const message = err instanceof BuildStepError ? err.describe() : err.message;
      if (!started) { (err as { message: string }).message = message; throw err; }
      // errorDetail.code is Docker's: the failed step's exit status; the error's own code goes beside it
      const exitCode = err instanceof BuildStepError ? err.exitCode : undefined;
      write({ errorDetail: exitCode !== undefined ? { code: exitCode, message } : { message }, error: message, code: err.code });
      ctx.res.end();
    }
  });

  r.post('/build/prune', async (ctx) => {
    const filters = ctx.query.filters();
    const keep = ctx.query.str('keep-storage') ?? ctx.query.str('reserved-space') ?? filters['keep-storage']?.[0];
    const until = filters.until?.[0] ?? filters['unused-for']?.[0];
    sendJson(ctx.res, 200, await ctx.engine.pruneBuildCache({ keepStorage: keep, until }));
  });
}
