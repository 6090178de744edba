/**
 * Signing an image that is in a registry (berth's `registry serve` on loopback in the benchmark's
 * namespace): `berth sign --key` against Debian 13's skopeo 1.18 `copy --sign-by-sigstore-private-key`
 * of the image onto itself (skopeo has no sign-only command for sigstore; the copy finds every blob
 * present and re-puts the manifest before it signs). Images of 10, 50 and 100 MB (one layer of random
 * bytes; 1, 2 and 4 MB in smoke mode): signing covers the manifest digest only, so the size should not
 * matter, and the series shows whether either tool reads more than the manifest.
 * skopeo 1.18 comes from scripts/fetch-skopeo-trixie.sh (BERTH_TEST_SKOPEO_TRIXIE, else its default
 * cache; fetched here outside smoke mode); without it berth runs alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, createReadStream, createWriteStream, mkdirSync, openSync, statSync, writeFileSync, writeSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { engine } from '../peers/engine.js';
import { startRegistry, type LocalRegistry } from '../peers/registry.js';

const LONG = 300_000;
const PASSWORD = 'bench-sign';
const SIZES_MB: Array<[number, number]> = [[10, 1], [50, 2], [100, 4]];

/** The wrapper of Debian 13's skopeo, or undefined (fetched once per run outside smoke mode). */
function skopeoTrixie(ctx: BenchContext): string | undefined {
  const candidates = [process.env.BERTH_TEST_SKOPEO_TRIXIE, join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'berth-test', 'skopeo-trixie', 'skopeo')];
  const usable = () => candidates.find((p) => { if (!p) return false; try { accessSync(p, constants.X_OK); return true; } catch { return false; } });
  if (usable() || ctx.options.smoke) return usable();
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'fetch-skopeo-trixie.sh');
  const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) ctx.log(`no Debian 13 skopeo (${r.stderr.trim().split('\n').pop()}); berth signs alone`);
  return usable();
}

/** A docker-archive of one layer of `bytes` random bytes, tagged `tag` (made once per size). */
function imageArchive(ctx: BenchContext, bytes: number, tag: string): Promise<string> {
  return ctx.shared(`archive:sign-${bytes}`, async () => {
    const dir = join(ctx.workDir, `sign-${bytes}`);
    mkdirSync(dir, { recursive: true });
    const payload = join(dir, 'payload.bin');
    const fd = openSync(payload, 'w');
    try { for (let done = 0; done < bytes; done += 1 << 20) writeSync(fd, randomBytes(Math.min(1 << 20, bytes - done))); } finally { closeSync(fd); }
    const layer = join(dir, 'layer.tar');
    const lp = tar.pack();
    const written = pipeline(lp, createWriteStream(layer));
    await new Promise<void>((resolve, reject) => {
      createReadStream(payload).pipe(lp.entry({ name: 'payload.bin', size: bytes, mode: 0o644, mtime: new Date(0) }, (e) => (e ? reject(e) : resolve())));
    });
    lp.finalize();
    await written;
    const h = createHash('sha256');
    await pipeline(createReadStream(layer), h);
    const diffId = h.digest('hex');
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] } });
    const archive = join(dir, 'image.tar');
    const ap = tar.pack();
    const out = pipeline(ap, createWriteStream(archive));
    ap.entry({ name: 'config.json' }, config);
    await new Promise<void>((resolve, reject) => {
      createReadStream(layer).pipe(ap.entry({ name: 'layer.tar', size: statSync(layer).size }, (e) => (e ? reject(e) : resolve())));
    });
    ap.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: ['layer.tar'] }]));
    ap.finalize();
    await out;
    rmSync(payload, { force: true });
    rmSync(layer, { force: true });
    return archive;
  });
}

function berthTool(ctx: BenchContext, mb: number, bytes: number): Tool {
  let reg: LocalRegistry | undefined;
  let ref = '';
  const dir = join(ctx.workDir, `sign-berth-${mb}`);
  const env = benchEnv({ COSIGN_PASSWORD: PASSWORD });
  return {
    name: 'berth',
    role: 'berth',
    command: 'COSIGN_PASSWORD=… berth sign --key cosign.key 127.0.0.1:<port>/bench/sign:<size>   (key from `berth key generate`)',
    async setup() {
      const e = await engine(ctx, 'berth');
      reg = await startRegistry(ctx, e.netns, `sign-berth-${mb}`, 'berth');
      ref = `${reg.address}/bench/sign:${mb}mb`;
      await e.cli(['load', '-i', await imageArchive(ctx, bytes, `bench/sign:${mb}mb`)], LONG);
      await e.cli(['tag', `bench/sign:${mb}mb`, ref], LONG);
      await e.cli(['push', ref], LONG);
      mkdirSync(dir, { recursive: true });
      rmSync(join(dir, 'cosign.key'), { force: true });
      rmSync(join(dir, 'cosign.pub'), { force: true });
      await e.cli(['key', 'generate', '--output-key-prefix', join(dir, 'cosign')], LONG, env);
    },
    async run() {
      const e = await engine(ctx, 'berth');
      return (await e.cli(['sign', '--key', join(dir, 'cosign.key'), ref], LONG, env)).ms;
    },
    async teardown() {
      const e = await engine(ctx, 'berth');
      await e.cliRaw(['rmi', '-f', ref, `bench/sign:${mb}mb`], LONG);
    },
  };
}

function skopeoTool(ctx: BenchContext, mb: number, bytes: number, skopeo: string): Tool {
  let reg: LocalRegistry | undefined;
  let netns = '';
  const dir = join(ctx.workDir, `sign-skopeo-${mb}`);
  const sk = (args: string[]) => timedSpawnOk('nsenter', [`--net=/run/netns/${netns}`, skopeo, '--insecure-policy', '--registries.d', join(dir, 'registries.d'), ...args], { timeoutMs: LONG, env: benchEnv() });
  let ref = '';
  return {
    name: 'skopeo 1.18',
    role: 'peer',
    command: 'skopeo --registries.d <use-sigstore-attachments> copy --sign-by-sigstore-private-key key.private --sign-passphrase-file pass docker://127.0.0.1:<port>/bench/sign:<size> (the same reference)',
    async setup() {
      netns = ctx.netns();
      reg = await startRegistry(ctx, netns, `sign-skopeo-${mb}`, 'berth');
      ref = `docker://${reg.address}/bench/sign:${mb}mb`;
      mkdirSync(join(dir, 'registries.d'), { recursive: true });
      writeFileSync(join(dir, 'registries.d', 'bench.yaml'), `docker:\n  ${reg.address}:\n    use-sigstore-attachments: true\n`);
      writeFileSync(join(dir, 'pass'), `${PASSWORD}\n`);
      rmSync(join(dir, 'key.private'), { force: true });
      rmSync(join(dir, 'key.pub'), { force: true });
      await timedSpawnOk(skopeo, ['generate-sigstore-key', '--output-prefix', join(dir, 'key'), '--passphrase-file', join(dir, 'pass')], { timeoutMs: LONG, env: benchEnv() });
      await sk(['copy', '--dest-tls-verify=false', `docker-archive:${await imageArchive(ctx, bytes, `bench/sign:${mb}mb`)}`, ref]);
    },
    async run() {
      return (await sk(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--sign-by-sigstore-private-key', join(dir, 'key.private'),
        '--sign-passphrase-file', join(dir, 'pass'), ref, ref])).ms;
    },
    async teardown() { /* the registry stops with the run's clean-up */ },
  };
}

function signCase(mb: number, smokeMb: number): Case {
  return {
    name: `sign a ${mb} MB image in a registry`,
    description: `Sign an image of one ${mb} MB layer (${smokeMb} MB in smoke mode) that berth's registry server holds: \`berth sign --key\` against skopeo 1.18 \`copy --sign-by-sigstore-private-key\` onto the same reference, each with its own registry; every iteration adds one signature to the image's \`.sig\` manifest.`,
    goal: 'within 2x of skopeo 1.18 (issue 20)',
    goalRatio: 2,
    maxIterations: 10,
    series: (ctx) => ({ name: 'signing an image in a registry', size: ctx.size(mb, smokeMb), unit: 'MB' }),
    tools(ctx) {
      const bytes = ctx.size(mb, smokeMb) * 1_000_000;
      const skopeo = skopeoTrixie(ctx);
      return [berthTool(ctx, mb, bytes), ...(skopeo ? [skopeoTool(ctx, mb, bytes, skopeo)] : [])];
    },
  };
}

export const SIGN_INTEROP_CASES: Case[] = SIZES_MB.map(([mb, smoke]) => signCase(mb, smoke));
