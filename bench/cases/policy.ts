/**
 * The admission policy's cost on `berth run --rm` of a local, signed image (issue 20: under 10 ms).
 * One daemon of its own, started with `--signature-policy FILE`; each tool rewrites FILE in its set-up
 * (the daemon re-reads it on change), so the tools differ only in the policy:
 *
 * - accept: `insecureAcceptAnything` for everything — the check is a stat and a scope lookup, the
 *   reference the others are compared with;
 * - sigstoreSigned over a signed image with 1, 10 or 50 signatures (all but one made with another key
 *   and stored after the good one, so each is tried and fails before the good one passes) in a policy
 *   of 1, 100 or 1000 scopes.
 *
 * berth only: the same run without a policy has no peer to compare with (Podman checks the policy at
 * pull, never at run).
 */
import { join } from 'node:path';
import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import type { Case, Tool } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { CURRENT_BUILD } from '../peers/berth-build.js';
import { startBerth, type BerthUnderTest } from '../peers/berth.js';
import { attachSignature, manifestDigestOf, newKey, signatureFor, type TestKey } from '../../test/policy/helpers.js';
import { openDatabase } from '../../src/store/db.js';
import { ContentStore } from '../../src/store/content.js';
import { ReferrerStore } from '../../src/image/referrers.js';
import { localSignatures } from '../../src/sign/local-signatures.js';
import { PolicyAdmission } from '../../src/policy/policy-admission.js';

const REPO = 'localhost:5000/bench/policy';

interface PolicyDaemon { b: BerthUnderTest; policyPath: string; keyPath: string; key: TestKey }

/** The case's daemon, shared by its tools; its policy file starts as accept-anything. */
function policyDaemon(ctx: BenchContext): Promise<PolicyDaemon> {
  return ctx.shared('berth:policy-daemon', async () => {
    const dir = join(ctx.workDir, 'policy');
    mkdirSync(dir, { recursive: true });
    const policyPath = join(dir, 'policy.json');
    const keyPath = join(dir, 'cosign.pub');
    const key = newKey();
    writeFileSync(keyPath, key.pem);
    writeFileSync(policyPath, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const b = await startBerth(CURRENT_BUILD, join(ctx.workDir, 'daemon-policy'), (m) => ctx.log(m), (what, fn) => ctx.onCleanup(what, fn),
      ctx.options.runTimeoutMs, ['--signature-policy', policyPath]);
    return { b, policyPath, keyPath, key };
  });
}

function writePolicy(path: string, doc: unknown): void {
  writeFileSync(path + '.new', JSON.stringify(doc));
  renameSync(path + '.new', path);
}

/** A policy of `scopes` scopes: fillers for other registries, and the bench repository's sigstoreSigned rule. */
function sigstorePolicy(keyPath: string, scopes: number): unknown {
  const docker: Record<string, unknown> = {};
  for (let i = 0; i < scopes - 1; i++) docker[`registry-${i}.example.com/team-${i}/app`] = [{ type: 'insecureAcceptAnything' }];
  docker[REPO] = [{ type: 'sigstoreSigned', keyPath, signedIdentity: { type: 'matchRepository' } }];
  return { default: [{ type: 'reject' }], transports: { docker } };
}

/** An image of its own per tool (a build with a label), with `n` signatures stored, the good one first. */
async function signedImage(d: PolicyDaemon, tag: string, n: number): Promise<string> {
  const ref = `${REPO}:${tag}`;
  const ctxDir = join(d.policyPath, '..', `ctx-${tag}`);
  mkdirSync(ctxDir, { recursive: true });
  writeFileSync(join(ctxDir, 'Dockerfile'), `FROM busybox\nLABEL bench.policy=${tag}\n`);
  await d.b.cli(['build', '-q', '-t', ref, ctxDir], 180_000);
  const id = (await d.b.cli(['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();
  const digest = manifestDigestOf(d.b.daemon.root, id);
  await attachSignature(d.b.daemon.root, digest, signatureFor(d.key, REPO, digest));
  const other = newKey();
  for (let i = 1; i < n; i++) await attachSignature(d.b.daemon.root, digest, signatureFor(other, `${REPO}-${i}`, digest));
  return ref;
}

function runTool(ctx: BenchContext, name: string, policy: (d: PolicyDaemon) => unknown, image: (d: PolicyDaemon) => Promise<string>): Tool {
  let d: PolicyDaemon | undefined;
  let ref = '';
  return {
    name,
    role: 'berth',
    command: `berth run --rm ${REPO}:… true`,
    async setup() {
      d = await policyDaemon(ctx);
      // the build's FROM busybox must pass whatever policy the previous tool left
      writePolicy(d.policyPath, { default: [{ type: 'insecureAcceptAnything' }] });
      ref = await image(d);
      writePolicy(d.policyPath, policy(d));
      // untimed: the daemon reads the new policy (and the key) here, not in the first timed run
      await d.b.cli(['run', '--rm', '--network', 'none', ref, 'true']);
    },
    async run() { return (await d!.b.cli(['run', '--rm', '--network', 'none', ref, 'true'])).ms; },
    async teardown() {},
  };
}

/**
 * The check alone, as the daemon makes it at create: PolicyAdmission over the same policy file, with
 * the signatures read from the daemon's referrer store (a second reader of its SQLite database) on
 * every call — what a run pays for the policy, without the run's own noise.
 */
function checkTool(ctx: BenchContext, name: string, scopes: number, n: number): Tool {
  let close = () => {};
  let check: () => Promise<void> = async () => {};
  return {
    name,
    role: 'berth',
    command: `PolicyAdmission.admit (in process, ${n} signatures, ${scopes} scopes)`,
    async setup() {
      const d = await policyDaemon(ctx);
      writePolicy(d.policyPath, { default: [{ type: 'insecureAcceptAnything' }] });
      const ref = await signedImage(d, `check-${scopes}-${n}`, n);
      const id = (await d.b.cli(['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();
      const digest = manifestDigestOf(d.b.daemon.root, id);
      const dir = join(d.policyPath, '..', `check-${scopes}-${n}`);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'policy.json');
      writePolicy(path, sigstorePolicy(d.keyPath, scopes));
      const db = openDatabase(join(d.b.daemon.root, 'berth.db'));
      close = () => db.close();
      const referrers = new ReferrerStore(db, new ContentStore(join(d.b.daemon.root, 'content')));
      const admission = new PolicyAdmission(path);
      check = () => admission.admit({ phase: 'create', reference: ref, manifestDigest: digest, signatures: async () => localSignatures(referrers, referrers.content, digest) });
      await check(); // parse and key load outside the timing, as a daemon has them cached
    },
    async run() {
      const t0 = performance.now();
      await check();
      return performance.now() - t0;
    },
    async teardown() { close(); },
  };
}

export const POLICY_CASES: Case[] = [{
  name: 'policy: run --rm of a signed local image, no check vs sigstoreSigned',
  description: '`berth run --rm --network none <signed image> true` against one daemon whose --signature-policy file is rewritten per tool: '
    + 'insecureAcceptAnything (no signature check) vs sigstoreSigned (keyPath, matchRepository) with 1 signature in a 1-scope policy, '
    + '10 signatures (9 by another key, tried first) in a 100-scope policy, and 50 signatures in a 1000-scope policy.',
  goal: 'the sigstoreSigned check adds < 10 ms to run --rm (issue 20)',
  tools: (ctx) => [
    runTool(ctx, 'berth, policy accepts anything', () => ({ default: [{ type: 'insecureAcceptAnything' }] }), (d) => signedImage(d, 'accept', 1)),
    runTool(ctx, 'berth, sigstoreSigned, 1 signature, 1 scope', (d) => sigstorePolicy(d.keyPath, 1), (d) => signedImage(d, 's1', 1)),
    runTool(ctx, 'berth, sigstoreSigned, 10 signatures, 100 scopes', (d) => sigstorePolicy(d.keyPath, 100), (d) => signedImage(d, 's10', 10)),
    runTool(ctx, 'berth, sigstoreSigned, 50 signatures, 1000 scopes', (d) => sigstorePolicy(d.keyPath, 1000), (d) => signedImage(d, 's50', 50)),
  ],
}, {
  name: 'policy: the sigstoreSigned check alone',
  description: 'What `run --rm` pays for the policy: PolicyAdmission.admit in process over the daemon\'s referrer store, sigstoreSigned (keyPath, matchRepository), '
    + 'with 1 signature in a 1-scope policy, 10 signatures (9 by another key, tried first) in a 100-scope policy, 50 in a 1000-scope policy.',
  goal: '< 10 ms (issue 20)',
  tools: (ctx) => [
    checkTool(ctx, 'check, 1 signature, 1 scope', 1, 1),
    checkTool(ctx, 'check, 10 signatures, 100 scopes', 100, 10),
    checkTool(ctx, 'check, 50 signatures, 1000 scopes', 1000, 50),
  ],
}];
