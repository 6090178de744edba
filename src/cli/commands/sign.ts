/**
 * cosign's key-based commands (docs/signing.md):
 *   berth key generate [--output-key-prefix cosign]     cosign generate-key-pair: P.key (encrypted) and P.pub
 *   berth sign IMAGE --key FILE [-a k=v]... [--upload=false]
 *   berth verify IMAGE... --key FILE [-a k=v]... [--remote] [-o json|text]
 * The private key stays in this process: the daemon says what to sign, gets the signature back,
 * stores it and pushes it. Verification runs here too, over the signatures the daemon lists.
 * Passphrases come from COSIGN_PASSWORD (even empty), else a prompt on the terminal, else stdin.
 * Exit codes as cosign's: 10 no signatures, 12 no matching signature, 1 other errors.
 * Keyless signing (Fulcio certificates, Rekor) needs the internet: refused with ERR_SIGN_KEYLESS_UNSUPPORTED.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, NotSupportedError, UsageError } from '../../common/errors.js';
import { authFor } from '../../client/registry-auth.js';
import { collect, ExitError, readAll, type CliContext } from '../context.js';
import { signTools } from '../lazy-sign.js';

const enc = encodeURIComponent;
/** cosign's exit codes (cmd/cosign/errors/exit_codes.go) */
export const EXIT_NO_SIGNATURES = 10;
export const EXIT_NO_MATCHING_SIGNATURE = 12;

const KEYLESS = 'keyless signing and verification (Fulcio certificates, the Rekor transparency log) need the internet and are not supported: use --key';

/** Read a passphrase with the terminal's echo off. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let buf = '';
      const onData = (c: Buffer) => {
        for (const ch of c.toString('utf8')) {
          if (ch === '\r' || ch === '\n') { stdin.off('data', onData); resolve(buf); return; }
          if (ch === '\u0003') { stdin.off('data', onData); reject(new ExitError(130)); return; }
          if (ch === '\u007f') buf = buf.slice(0, -1);
          else buf += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/** cosign's passphrase sources: COSIGN_PASSWORD, else the terminal (twice when creating), else stdin. */
export async function passphrase(confirm: boolean): Promise<Buffer> {
  const env = process.env.COSIGN_PASSWORD;
  if (env !== undefined) return Buffer.from(env);
  if (process.stdin.isTTY) {
    const first = await promptHidden('Enter password for private key: ');
    if (confirm && (await promptHidden('Enter password for private key again: ')) !== first) {
      throw new InvalidArgumentError('passwords do not match', 'ERR_SIGN_PASSWORD');
    }
    return Buffer.from(first);
  }
  return Buffer.from((await readAll(process.stdin)).toString('utf8').replace(/\r?\n$/, ''));
}

function readKeyFile(file: string): string {
  try { return readFileSync(file, 'utf8'); } catch (e) {
    throw new InvalidArgumentError(`reading key ${file}: ${(e as Error).message}`, 'ERR_SIGN_KEY_INVALID');
  }
}

/**
 * Sign a daemon's image with a cosign key file, as `berth sign --key` does (also for `build --sign`):
 * ask the daemon for the signing target, decrypt the key (COSIGN_PASSWORD or a prompt), sign the
 * payload here, hand it to the daemon, which stores it and (upload) pushes it. Returns the digest signed.
 */
export async function signImage(ctx: CliContext, image: string, opts: { key: string; annotations?: string[]; upload?: boolean }): Promise<string> {
  const upload = opts.upload ?? true;
  const tools = await signTools();
  const annotations = tools.parseAnnotations(opts.annotations);
  const pem = readKeyFile(opts.key);
  const client = await ctx.client();
  const target = await client.json<{ repository: string; dockerReference: string; manifestDigest: string }>('GET', `/berth/images/${enc(image)}/signing-target`);
  const privateKey = await tools.loadPrivateKey(pem, await passphrase(false));
  const payload = tools.buildPayload(target.dockerReference, target.manifestDigest, annotations);
  const signature = tools.signPayload(privateKey, payload);
  if (upload) ctx.err(`Pushing signature to: ${target.repository}\n`);
  const added = await client.json<{ warnings?: string[] }>('POST', `/berth/images/${enc(image)}/signatures`, {
    query: { upload: upload ? '1' : '0' }, headers: authFor(target.repository), body: { payload: payload.toString('base64'), signature },
  });
  for (const w of added?.warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  return target.manifestDigest;
}

interface SignFlags { key?: string; annotations?: string[]; upload: boolean; tlogUpload?: boolean; identityToken?: string; fulcioUrl?: string; rekorUrl?: string }
interface VerifyFlags { key?: string; annotations?: string[]; remote?: boolean; output: string; insecureIgnoreTlog?: boolean; certificateIdentity?: string; certificateOidcIssuer?: string }

export function registerSignCommands(program: Command, ctx: CliContext): void {
  const key = program.command('key').usage('COMMAND').description('Manage signing keys (cosign\'s format)');
  key.allowExcessArguments(false);
  key.command('generate').usage('[OPTIONS]')
    .description('Generate an ECDSA P-256 key pair for signing images: PREFIX.key (encrypted with a password) and PREFIX.pub')
    .option('--output-key-prefix <string>', 'name used for generated .pub and .key files', 'cosign')
    .action(async (o: { outputKeyPrefix: string }) => {
      const keyFile = `${o.outputKeyPrefix}.key`;
      const pubFile = `${o.outputKeyPrefix}.pub`;
      for (const f of [keyFile, pubFile]) {
        if (existsSync(f)) throw new InvalidArgumentError(`File ${f} already exists: remove it or choose another --output-key-prefix`, 'ERR_SIGN_KEY_EXISTS');
      }
      const pass = await passphrase(true);
      const pair = await (await signTools()).generateKeyPair(pass);
      await writeFile(keyFile, pair.privatePem, { mode: 0o600, flag: 'wx' });
      ctx.err(`Private key written to ${keyFile}\n`);
      await writeFile(pubFile, pair.publicPem, { mode: 0o644, flag: 'wx' });
      ctx.err(`Public key written to ${pubFile}\n`);
    });

  program.command('sign').usage('[OPTIONS] IMAGE')
    .description('Sign an image with a key (cosign\'s signature format; pushed to its registry)')
    .argument('<image>')
    .option('--key <string>', 'path to the private key file (cosign\'s encrypted format)')
    .option('-a, --annotations <key=value>', 'extra key=value pairs to sign', collect, [])
    .option('--upload', 'whether to upload the signature', true)
    .option('--tlog-upload', 'whether to upload to the transparency log (not supported: no Rekor offline)')
    .option('--identity-token <string>', 'keyless signing: not supported')
    .option('--fulcio-url <string>', 'keyless signing: not supported')
    .option('--rekor-url <string>', 'transparency log: not supported')
    .action(async (image: string, o: SignFlags) => {
      if (o.identityToken !== undefined || o.fulcioUrl !== undefined || o.rekorUrl !== undefined) throw new NotSupportedError(KEYLESS, 'ERR_SIGN_KEYLESS_UNSUPPORTED');
      if (o.tlogUpload) throw new NotSupportedError('uploading to the Rekor transparency log needs the internet and is not supported: signatures are stored in the registry only', 'ERR_SIGN_KEYLESS_UNSUPPORTED');
      if (!o.key) throw new NotSupportedError(KEYLESS, 'ERR_SIGN_KEYLESS_UNSUPPORTED');
      await signImage(ctx, image, { key: o.key, annotations: o.annotations, upload: o.upload });
    });

  program.command('verify').usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Verify the signatures of images against a public key')
    .argument('<images...>')
    .option('--key <string>', 'path to the public key file (PEM)')
    .option('-a, --annotations <key=value>', 'extra key=value pairs the signature must carry', collect, [])
    .option('--remote', 'read the signatures from the registry, not the local store')
    .option('-o, --output <string>', 'output format for the signing image information (json|text)', 'json')
    .option('--insecure-ignore-tlog', 'ignore transparency log verification (berth never has a log to check)')
    .option('--certificate-identity <string>', 'keyless verification: not supported')
    .option('--certificate-oidc-issuer <string>', 'keyless verification: not supported')
    .action(async (images: string[], o: VerifyFlags) => {
      if (o.certificateIdentity !== undefined || o.certificateOidcIssuer !== undefined || !o.key) throw new NotSupportedError(KEYLESS, 'ERR_SIGN_KEYLESS_UNSUPPORTED');
      if (o.output !== 'json' && o.output !== 'text') throw new UsageError(`invalid output format "${o.output}": use json or text`);
      const tools = await signTools();
      const annotations = tools.parseAnnotations(o.annotations);
      const publicKey = tools.publicKeyFromPem(readKeyFile(o.key));
      if (o.insecureIgnoreTlog) ctx.err('WARNING: Skipping tlog verification is an insecure practice that lacks of transparency and auditability verification for the signature.\n');
      const client = await ctx.client();
      // as cosign: each image in turn, the first failure ends the command
      for (const image of images) {
        const listed = await client.json<{ manifestDigest: string; signatures: Array<{ payload: string; signature: string; annotations: Record<string, string> }>; bundles?: string[] }>(
          'GET', `/berth/images/${enc(image)}/signatures`, { query: { remote: o.remote ? '1' : '0' }, headers: authFor(image) });
        const sigs = listed.signatures.map((s) => ({ payload: Buffer.from(s.payload, 'base64'), signature: s.signature, annotations: s.annotations ?? {} }));
        const bundles = (listed.bundles ?? []).map((b) => Buffer.from(b, 'base64'));
        if (sigs.length === 0 && bundles.length === 0) throw new ExitError(EXIT_NO_SIGNATURES, 'Error: no signatures found');
        const result = tools.verifySignatures(sigs, publicKey, { manifestDigest: listed.manifestDigest, annotations });
        // cosign's new bundle format: checked with sigstore-js, printed as cosign prints them (the statement as a payload)
        const checkBundle = bundles.length ? (await tools.bundleTools()).checkBundle : undefined;
        for (const b of bundles) {
          const r = checkBundle!(b, publicKey, { manifestDigest: listed.manifestDigest, annotations, reference: image });
          if (r.payload) result.verified.push({ signature: { payload: Buffer.from(JSON.stringify(r.payload)), signature: '', annotations: {} }, payload: r.payload });
          else result.errors.push(r.error!);
        }
        if (result.verified.length === 0) throw new ExitError(EXIT_NO_MATCHING_SIGNATURE, `Error: no matching signatures: ${result.errors.join('\n ')}`);
        ctx.err(`\nVerification for ${image} --\nThe following checks were performed on each of these signatures:\n`
          + (annotations ? '  - The specified annotations were verified.\n' : '')
          + '  - The cosign claims were validated\n'
          + '  - The signatures were verified against the specified public key\n');
        if (o.output === 'text') for (const v of result.verified) ctx.out(v.signature.payload.toString('utf8') + '\n');
        else ctx.out(tools.verifiedJson(result.verified) + '\n');
      }
    });
}
