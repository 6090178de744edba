/**
 * `berth build --push [--sign --key FILE]`: after a successful build every `-t` name is pushed (the
 * same API call as `berth push`), then, with `--sign`, signed the way `berth sign` signs: the CLI
 * holds the key, asks the daemon for the pushed manifest's digest, signs the payload and hands the
 * signature to the daemon, which stores it and pushes it (`.sig` tag and referrer). Docker's
 * `build --push` is buildx's shorthand for `--output=type=registry`; here it pushes the named image.
 * The key is read and decrypted before the build starts, so a wrong password costs no build.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { InvalidArgumentError, NotSupportedError, UsageError } from '../../common/errors.js';
import { parseNormalizedNamed } from '../../image/reference.js';
import { authFor } from '../../client/registry-auth.js';
import type { CliContext } from '../context.js';
import { signTools } from '../lazy-sign.js';
import { ProgressPrinter } from './registry.js';
import { passphrase } from './sign.js';

const enc = encodeURIComponent;

export interface PushSignFlags { push?: boolean; sign?: boolean; key?: string; tag: string[] }

export interface PushSignPlan { tags: string[]; privateKey?: KeyObject }

/**
 * Check the flags and load the key before the build; undefined when the build pushes nothing.
 * `stdinBusy`: the build context or Dockerfile comes from stdin, so the password cannot.
 */
export async function preparePushSign(o: PushSignFlags, stdinBusy: boolean): Promise<PushSignPlan | undefined> {
  if (o.key !== undefined && !o.sign) throw new UsageError('--key is for --sign: add --sign (and --push)');
  if (o.sign && !o.push) throw new UsageError('--sign signs what the build pushes: add --push (or sign later with `berth sign --key`)');
  if (!o.push) return undefined;
  if (o.tag.length === 0) throw new UsageError('--push needs a name to push: add -t NAME[:TAG]');
  for (const t of o.tag) {
    const n = parseNormalizedNamed(t);
    if (n.digest) throw new UsageError(`cannot push a digest reference: ${t}`);
  }
  if (!o.sign) return { tags: o.tag };
  if (!o.key) throw new NotSupportedError('keyless signing (Fulcio certificates, the Rekor transparency log) needs the internet and is not supported: use --key', 'ERR_SIGN_KEYLESS_UNSUPPORTED');
  let pem: string;
  try { pem = readFileSync(o.key, 'utf8'); } catch (e) {
    throw new InvalidArgumentError(`reading key ${o.key}: ${(e as Error).message}`, 'ERR_SIGN_KEY_INVALID');
  }
  if (stdinBusy && process.env.COSIGN_PASSWORD === undefined && !process.stdin.isTTY) {
    throw new UsageError('the build context comes from stdin, so the key\'s password cannot: set COSIGN_PASSWORD');
  }
  const tools = await signTools();
  return { tags: o.tag, privateKey: await tools.loadPrivateKey(pem, await passphrase(false)) };
}

/** Push each tag, then sign it when a key was given. */
export async function pushAndSign(ctx: CliContext, plan: PushSignPlan, quiet: boolean): Promise<void> {
  const client = await ctx.client();
  const tools = plan.privateKey ? await signTools() : undefined;
  for (const name of plan.tags) {
    const named = parseNormalizedNamed(name);
    const tag = named.tag ?? 'latest';
    const repo = named.tag ? name.slice(0, name.lastIndexOf(':')) : name;
    const res = await client.request('POST', `/images/${enc(repo)}/push`, { query: { tag }, headers: authFor(name) });
    await new ProgressPrinter((s) => ctx.out(s), quiet).consume(res);
    if (!tools || !plan.privateKey) continue;
    const ref = `${repo}:${tag}`;
    const target = await client.json<{ repository: string; dockerReference: string; manifestDigest: string }>('GET', `/berth/images/${enc(ref)}/signing-target`);
    const payload = tools.buildPayload(target.dockerReference, target.manifestDigest, undefined);
    const signature = tools.signPayload(plan.privateKey, payload);
    if (!quiet) ctx.err(`Pushing signature to: ${target.repository}\n`);
    const added = await client.json<{ warnings?: string[] }>('POST', `/berth/images/${enc(ref)}/signatures`, {
      query: { upload: '1' }, headers: authFor(target.repository), body: { payload: payload.toString('base64'), signature },
    });
    for (const w of added?.warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  }
}
