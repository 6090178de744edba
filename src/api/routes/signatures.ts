/**
 * cosign signatures of images (docs/signing.md). The key stays with the client:
 *   GET  /berth/images/{name}/signing-target   what to sign: {repository, dockerReference, manifestDigest, ...}
 *   POST /berth/images/{name}/signatures?upload=1|0
 *        body {payload: <base64 payload>, signature: <base64 DER>, annotations?: {..}}; stores the signature
 *        and (upload, the default) pushes it to the image's registry with X-Registry-Auth's credentials
 *   GET  /berth/images/{name}/signatures?remote=1|0
 *        {repository, manifestDigest, source: local|registry, signatures: [{payload, signature, annotations}],
 *         bundles: [<base64 sigstore bundle JSON>]}
 */
import { InvalidArgumentError } from '../../common/errors.js';
import { toWire } from '../../engine/sign-ops.js';
import { readJson, sendJson } from '../http.js';
import type { Router } from '../router.js';
import { decodeAuth } from './distribution.js';

function stringMap(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw new InvalidArgumentError(`${what} must be an object of strings`, 'ERR_BAD_BODY');
  }
  return v as Record<string, string>;
}

export function signatureRoutes(r: Router): void {
  r.get('/berth/images/(.+)/signing-target', (ctx) => sendJson(ctx.res, 200, ctx.engine.signingTarget(ctx.params[0]!)));

  r.post('/berth/images/(.+)/signatures', async (ctx) => {
    const body = await readJson<Record<string, unknown>>(ctx.req);
    if (typeof body.payload !== 'string' || !body.payload) throw new InvalidArgumentError('payload (base64) is required', 'ERR_BAD_BODY');
    if (typeof body.signature !== 'string' || !body.signature) throw new InvalidArgumentError('signature (base64) is required', 'ERR_BAD_BODY');
    const added = await ctx.engine.addSignature(ctx.params[0]!, {
      payload: Buffer.from(body.payload, 'base64'), signature: body.signature, annotations: stringMap(body.annotations, 'annotations'),
      upload: ctx.query.bool('upload', true), auth: decodeAuth(ctx.req.headers['x-registry-auth']),
    });
    sendJson(ctx.res, 201, added);
  });

  r.get('/berth/images/(.+)/signatures', async (ctx) => {
    const listed = await ctx.engine.signatures(ctx.params[0]!, { remote: ctx.query.bool('remote'), auth: decodeAuth(ctx.req.headers['x-registry-auth']) });
    sendJson(ctx.res, 200, { ...listed, signatures: listed.signatures.map(toWire), bundles: listed.bundles.map((b) => b.toString('base64')) });
  });
}
