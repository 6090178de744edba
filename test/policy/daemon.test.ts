/**
 * The admission policy in a real daemon (`berth serve --signature-policy FILE`): refusals at run/create
 * for local images (exit 125, the message, a `policy-denied` event), sigstoreSigned with signatures
 * stored in the daemon's referrer store (made here with node:crypto), a pull from a local registry
 * refused before anything is stored, the docker CLI's view of the refusal, `info`, and a broken policy
 * file that leaves the daemon up and refusing everything.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { DOCKER_CLI } from '../helpers/dockerd.js';
import Docker from 'dockerode';
import { serveRegistry, type Peer } from '../registry/peers.js';
import { attachSignature, manifestDigestOf, newKey, payloadFor, signatureFor, signPayload, type TestKey } from './helpers.js';

let d: TestDaemon;
let tmp: string;
let policyPath: string;
let key: TestKey;
let otherKey: TestKey;
let keyPath: string;
const peers: Peer[] = [];
const REGISTRY = '127.0.0.1:5000';

function writePolicy(doc: unknown): void {
  // a new file renamed over the old one, as editors and config tools do; the daemon notices by stat
  writeFileSync(policyPath + '.new', JSON.stringify(doc, null, 2));
  spawnSync('mv', ['-f', policyPath + '.new', policyPath]);
}

async function ok(args: string[]): Promise<string> {
  const r = await d.berth(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function refused(args: string[], re: RegExp): Promise<string> {
  const r = await d.berth(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 125, `berth ${args.join(' ')} should be refused: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, re);
  return r.stderr;
}

async function policyEvents(): Promise<Array<{ Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> } }>> {
  const out = await ok(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'event=policy-denied', '--format', '{{json .}}']);
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function build(tag: string, label: string): Promise<string> {
  const ctx = join(tmp, `ctx-${label}`);
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), `FROM busybox\nLABEL which=${label}\n`);
  await ok(['build', '-q', '-t', tag, ctx]);
  return (await ok(['image', 'inspect', '-f', '{{.Id}}', tag])).trim();
}

before(async () => {
  tmp = mkdtempSync('/tmp/berth-policy-');
  policyPath = join(tmp, 'policy.json');
  key = newKey();
  otherKey = newKey();
  keyPath = join(tmp, 'cosign.pub');
  writeFileSync(keyPath, key.pem);
  writePolicy({ default: [{ type: 'insecureAcceptAnything' }] });
  d = await startDaemon({ extraArgs: ['--signature-policy', policyPath] });
  await ok(['image', 'bootstrap', 'busybox']);
});

after(async () => {
  for (const p of peers) p.stop();
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('info shows the active policy (berth info and /info SecurityOptions)', async () => {
  const info = await d.api('GET', '/info');
  assert.ok(info.body.SecurityOptions.includes(`name=signature-policy,path=${policyPath}`), JSON.stringify(info.body.SecurityOptions));
  const out = await ok(['info']);
  assert.match(out, new RegExp(`signature-policy,path=${policyPath.replace(/[/.]/g, '\\$&')}`));
});

test('reject by default, insecureAcceptAnything for one repository: run is refused with exit 125, a message and an event', async () => {
  writePolicy({ default: [{ type: 'reject' }], transports: { docker: { 'docker.io/library/busybox': [{ type: 'insecureAcceptAnything' }] } } });
  await ok(['run', '--rm', 'busybox', 'true']);
  await ok(['tag', 'busybox', 'other:1']);
  const id = (await ok(['image', 'inspect', '-f', '{{.Id}}', 'other:1'])).trim();
  const err = await refused(['run', '--rm', 'other:1', 'true'], /Source image rejected: Running image docker:\/\/other:1 is rejected by policy\./);
  assert.match(err, /rule "default"\[0\] reject of /);
  await refused(['create', 'other:1'], /rejected by policy/);
  // through the API: 403 with the code
  const api = await d.api('POST', '/containers/create', { Image: 'other:1', Cmd: ['true'] });
  assert.equal(api.status, 403);
  assert.equal(api.body.code, 'ERR_POLICY_DENIED');
  assert.match(api.body.message, /Source image rejected/);
  // no container was left behind by the refusals
  assert.equal((await ok(['ps', '-aq'])).trim(), '');
  const events = await policyEvents();
  assert.ok(events.length >= 3, JSON.stringify(events));
  const ev = events.at(-1)!;
  assert.equal(ev.Type, 'image');
  assert.equal(ev.Actor.ID, id);
  assert.equal(ev.Actor.Attributes.name, 'other:1');
  assert.match(ev.Actor.Attributes.reason, /rejected by policy/);
  // by ID: one admitted name (busybox) is enough; an image with only refused names is refused
  await ok(['run', '--rm', id.slice(7, 19), 'true']);
  const only = await build('onlyname:1', 'only');
  await refused(['run', '--rm', only.slice(7, 19), 'true'], /Running image docker:\/\/onlyname:1 is rejected by policy/);
  // a build's FROM of a refused local image fails with the refusal; an admitted one builds
  const ctx = join(tmp, 'ctx-from-other');
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM other:1\nRUN true\n');
  const b = await d.berth(['build', '-t', 'fromother:1', ctx], { timeoutMs: 120_000 });
  assert.notEqual(b.code, 0, b.stdout);
  assert.match(b.stdout + b.stderr, /Source image rejected: Running image docker:\/\/other:1 is rejected by policy/);
});

test('sigstoreSigned: a signed image runs; unsigned, wrong key, swapped signature, another digest and another identity are refused', async () => {
  const signedId = await build('localhost:5000/app:signed', 'signed');
  const plainId = await build('localhost:5000/app:plain', 'plain');
  const signedDigest = manifestDigestOf(d.root, signedId);
  const plainDigest = manifestDigestOf(d.root, plainId);
  assert.ok(signedDigest && plainDigest && signedDigest !== plainDigest);
  writePolicy({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: { 'localhost:5000': [{ type: 'sigstoreSigned', keyPath }] } },
  });
  await attachSignature(d.root, signedDigest, signatureFor(key, 'localhost:5000/app:signed', signedDigest));
  assert.equal((await ok(['run', '--rm', 'localhost:5000/app:signed', 'echo', 'hello'])).trim(), 'hello');

  await refused(['run', '--rm', 'localhost:5000/app:plain', 'true'], /Source image rejected: A signature was required, but no signature exists \(rule transports\.docker\["localhost:5000"\]\[0\] sigstoreSigned/);
  // signed with a key the policy does not trust
  await attachSignature(d.root, plainDigest, signatureFor(otherKey, 'localhost:5000/app:plain', plainDigest));
  await refused(['run', '--rm', 'localhost:5000/app:plain', 'true'], /Source image rejected: cryptographic signature verification failed/);
  // a valid signature of the trusted key, but for the other image's digest
  await attachSignature(d.root, plainDigest, signatureFor(key, 'localhost:5000/app:plain', signedDigest));
  await refused(['run', '--rm', 'localhost:5000/app:plain', 'true'], new RegExp(`None of the signatures were accepted, reasons: .*Signature for digest ${signedDigest} does not match`));
  // the signature of one payload carried with another (swapped)
  const swapped = { ...signPayload(key, payloadFor('localhost:5000/app:signed', signedDigest)), payload: payloadFor('localhost:5000/app:plain', plainDigest) };
  await attachSignature(d.root, plainDigest, swapped);
  // a valid signature for the digest that claims another repository
  await attachSignature(d.root, plainDigest, signatureFor(key, 'localhost:5000/other:plain', plainDigest));
  const err = await refused(['run', '--rm', 'localhost:5000/app:plain', 'true'], /Signature for identity "localhost:5000\/other:plain" is not accepted/);
  assert.equal((err.match(/cryptographic signature verification failed/g) ?? []).length, 2, err);
  const events = (await policyEvents()).filter((e) => e.Actor.ID === plainId);
  assert.equal(events.length, 4);
  assert.equal(events[0]!.Actor.Attributes.name, 'localhost:5000/app:plain');

  // matchRepository accepts the other tag's signature of the same digest; the signed one still runs
  writePolicy({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: { 'localhost:5000/app': [{ type: 'sigstoreSigned', keyPath, signedIdentity: { type: 'matchRepository' } }] } },
  });
  await ok(['tag', 'localhost:5000/app:signed', 'localhost:5000/app:retag']);
  await ok(['run', '--rm', 'localhost:5000/app:retag', 'true']);
  await refused(['run', '--rm', 'localhost:5000/app:plain', 'true'], /None of the signatures were accepted/);
});

test('a pull from a local registry is refused under reject before anything is stored; allowed for an accepted scope', async () => {
  peers.push(await serveRegistry(d.netns, join(tmp, 'registry'), REGISTRY));
  writePolicy({ default: [{ type: 'insecureAcceptAnything' }] });
  await ok(['tag', 'busybox', `${REGISTRY}/pulled/app:1`]);
  await ok(['push', `${REGISTRY}/pulled/app:1`]);
  await ok(['rmi', `${REGISTRY}/pulled/app:1`]);
  writePolicy({ default: [{ type: 'insecureAcceptAnything' }], transports: { docker: { [`${REGISTRY}/pulled`]: [{ type: 'reject' }] } } });
  await refused(['pull', `${REGISTRY}/pulled/app:1`], new RegExp(`Source image rejected: Running image docker://${REGISTRY}/pulled/app:1 is rejected by policy\\. \\(rule transports\\.docker\\["${REGISTRY}/pulled"\\]\\[0\\] reject`));
  const inspect = await d.berth(['image', 'inspect', `${REGISTRY}/pulled/app:1`]);
  assert.notEqual(inspect.code, 0, 'nothing was stored');
  // run with pull: the pull is refused the same way
  await refused(['run', '--rm', `${REGISTRY}/pulled/app:1`, 'true'], /rejected by policy/);
  const ev = (await policyEvents()).at(-1)!;
  assert.equal(ev.Actor.ID, `${REGISTRY}/pulled/app:1`);
  assert.equal(ev.Actor.Attributes.name, `${REGISTRY}/pulled/app:1`);
  // the API refuses the pull with 403 before any progress is sent
  const api = await d.api('POST', `/images/create?fromImage=${encodeURIComponent(`${REGISTRY}/pulled/app`)}&tag=1`);
  assert.equal(api.status, 403);
  assert.equal(api.body.code, 'ERR_POLICY_DENIED');
  writePolicy({ default: [{ type: 'reject' }], transports: { docker: { [`${REGISTRY}/pulled/app`]: [{ type: 'insecureAcceptAnything' }], 'docker.io': [{ type: 'insecureAcceptAnything' }] } } });
  await ok(['pull', `${REGISTRY}/pulled/app:1`]);
  await ok(['run', '--rm', `${REGISTRY}/pulled/app:1`, 'true']);
});

test('the docker CLI and dockerode against berth get the refusal', { skip: !existsSync(DOCKER_CLI) && `${DOCKER_CLI} not installed` }, async () => {
  writePolicy({ default: [{ type: 'reject' }], transports: { docker: { 'docker.io/library/busybox': [{ type: 'insecureAcceptAnything' }] } } });
  const docker = (args: string[]) => spawnSync(DOCKER_CLI, ['-H', `unix://${d.socket}`, ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: tmp, DOCKER_CONFIG: join(tmp, 'docker-config') } });
  await ok(['tag', 'busybox', 'other:1']);
  const ran = docker(['run', '--rm', 'busybox', 'true']);
  assert.equal(ran.status, 0, ran.stderr);
  const r = docker(['run', '--rm', 'other:1', 'true']);
  assert.equal(r.status, 125, r.stderr);
  assert.match(r.stderr, /Error response from daemon: Source image rejected: Running image docker:\/\/other:1 is rejected by policy\./);
  if (peers.length) { // the registry of the pull test, with the image it pushed
    const p = docker(['pull', `${REGISTRY}/pulled/app:1`]);
    assert.notEqual(p.status, 0);
    assert.match(p.stderr, /Source image rejected/);
  }
  // dockerode (compose tools and Node programs) gets the 403 with berth's message and code
  const node = new Docker({ socketPath: d.socket });
  await assert.rejects(node.createContainer({ Image: 'other:1', Cmd: ['true'] }), (e: any) => {
    assert.equal(e.statusCode, 403);
    assert.match(e.json?.message ?? String(e), /Source image rejected: Running image docker:\/\/other:1 is rejected by policy/);
    assert.equal(e.json?.code, 'ERR_POLICY_DENIED');
    return true;
  });
  const info = docker(['info', '--format', '{{json .SecurityOptions}}']);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /name=signature-policy,path=/);
});

test('a broken policy file: the daemon starts, refuses every image with the parse error, and says so in info', async () => {
  const brokenPath = join(tmp, 'broken.json');
  writeFileSync(brokenPath, '{"default": [{"type": "acceptEverything"}]}');
  const d2 = await startDaemon({ extraArgs: ['--signature-policy', brokenPath] });
  try {
    await d2.ok(['image', 'bootstrap', 'busybox']);
    const r = await d2.berth(['run', '--rm', 'busybox', 'true']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(r.stderr, /Source image rejected: the signature policy .*broken\.json is invalid: Unknown policy requirement type "acceptEverything" \(every image is refused/);
    const info = await d2.api('GET', '/info');
    assert.ok(info.body.SecurityOptions.includes(`name=signature-policy,path=${brokenPath},status=invalid`));
    assert.ok(info.body.Warnings.some((w: string) => /signature policy .* is invalid, every image is refused: Unknown policy requirement type/.test(w)), JSON.stringify(info.body.Warnings));
    const cli = await d2.berth(['info']);
    assert.match(cli.stderr, /every image is refused/);
    // fixing the file is enough
    writeFileSync(brokenPath, '{"default": [{"type": "insecureAcceptAnything"}]}');
    await d2.ok(['run', '--rm', 'busybox', 'true']);
    // a missing default and broken JSON are refusals too
    writeFileSync(brokenPath, '{"transports": {}}');
    assert.match((await d2.berth(['run', '--rm', 'busybox', 'true'])).stderr, /Default policy is missing/);
    writeFileSync(brokenPath, '{"default": [');
    assert.match((await d2.berth(['run', '--rm', 'busybox', 'true'])).stderr, /is invalid: not valid JSON/);
  } finally { await d2.cleanup(); }
});
