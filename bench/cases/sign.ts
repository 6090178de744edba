/**
 * berth verify: one CLI process that reads the public key, asks the daemon for an image's signatures
 * and checks each (ECDSA P-256 over the simple-signing payload, the digest claim), for an image that
 * holds 1, 10 and 50 signatures (as a pulled image holds them: local referrers). The signatures are
 * made untimed in the harness (node:crypto) and stored through the API, as `berth sign --upload=false`
 * stores them. Signing itself, and skopeo's verification, are compared by the interop work.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import { signPayload } from '../../src/sign/keys.js';
import { buildPayload } from '../../src/sign/payload.js';
import type { BenchContext } from '../lib/context.js';
import type { Case } from '../lib/types.js';

function api(socket: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath: socket, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        try { resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }); } catch { resolve({ status: res.statusCode ?? 0, body: text }); }
      });
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** An image of its own holding `n` signatures by one key; the image and the public key's file. */
async function signedImage(ctx: BenchContext, n: number): Promise<{ image: string; pub: string }> {
  return ctx.shared(`sign:image:${n}`, async () => {
    const berth = await ctx.berth();
    const dir = mkdtempSync(join(ctx.workDir, `sign-${n}-`));
    writeFileSync(join(dir, 'file.txt'), `an image with ${n} signatures\n`);
    const tar = join(ctx.workDir, `sign-${n}.tar`);
    const t = spawnSync('tar', ['-C', dir, '-cf', tar, 'file.txt']);
    if (t.status !== 0) throw new SystemError(`tar failed: ${t.stderr}`, 'ERR_SYSTEM');
    const image = `bench/signed-${n}:v1`;
    await berth.cli(['import', tar, image]);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = join(ctx.workDir, `sign-${n}.pub`);
    writeFileSync(pub, String(publicKey.export({ type: 'spki', format: 'pem' })));
    const socket = berth.daemon.socket;
    const target = await api(socket, 'GET', `/berth/images/${encodeURIComponent(image)}/signing-target`);
    if (target.status !== 200) throw new SystemError(`signing-target: ${JSON.stringify(target.body)}`, 'ERR_SYSTEM');
    for (let i = 0; i < n; i++) {
      const payload = buildPayload(target.body.dockerReference, target.body.manifestDigest, { n: String(i) });
      const r = await api(socket, 'POST', `/berth/images/${encodeURIComponent(image)}/signatures?upload=0`,
        { payload: payload.toString('base64'), signature: signPayload(privateKey, payload) });
      if (r.status !== 201) throw new SystemError(`storing signature ${i}: ${JSON.stringify(r.body)}`, 'ERR_SYSTEM');
    }
    return { image, pub };
  });
}

function verifyCase(n: number): Case {
  return {
    name: `sign: verify an image with ${n} signature${n === 1 ? '' : 's'}`,
    description: `berth verify --key cosign.pub IMAGE for a local image holding ${n} cosign signature${n === 1 ? '' : 's'} (CLI start, key, signatures from the daemon, ECDSA checks, cosign's JSON out)`,
    series: () => ({ name: 'sign verify by signatures', size: n, unit: 'signature' }),
    tools: (ctx) => [{
      name: 'berth', role: 'berth', command: `berth verify --key cosign.pub bench/signed-${n}:v1`,
      async setup() { await signedImage(ctx, n); },
      async run() {
        const { image, pub } = await signedImage(ctx, n);
        return (await (await ctx.berth()).cli(['verify', '--key', pub, image], 60_000)).ms;
      },
      async teardown() {},
    }],
  };
}

export const SIGN_CASES: Case[] = [verifyCase(1), verifyCase(10), verifyCase(50)];
