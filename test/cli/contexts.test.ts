/**
 * `berth context`: the docker CLI's context store read and written in its format, checked against
 * the real docker CLI both ways, and the precedence that picks an engine (-H, --context, BERTH_HOST,
 * DOCKER_HOST, DOCKER_CONTEXT, currentContext, default).
 *
 * The `berth context` runs here never reach a daemon (they only read and write the store), and each
 * has BERTH_NO_AUTOSTART=1, a private BERTH_RUN_ROOT (its "default" socket), a private DOCKER_CONFIG
 * and HOME: nothing of the host's ~/.docker or /run/berth is read or written. The docker CLI runs only
 * `docker context` commands, which do not connect either.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { BERTH_BIN, cleanEnv, type RunResult } from '../helpers/daemon.js';
import { DOCKER_CLI, runDockerCli } from '../helpers/dockerd.js';
import { runProgram } from '../compat/helpers.js';
import { DockerContextStore, resolveContextName } from '../../src/client/docker-contexts.js';
import { exportContext, importContext, naturalCompare } from '../../src/cli/commands/context.js';
import { resolveHost } from '../../src/cli/host.js';

interface Sandbox { dir: string; config: string; runRoot: string; env: NodeJS.ProcessEnv }

function sandbox(t: { after: (fn: () => void) => void }): Sandbox {
  const dir = mkdtempSync('/tmp/bt-ctx-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'docker-config');
  const runRoot = join(dir, 'run');
  const env = cleanEnv({ BERTH_NO_AUTOSTART: '1', BERTH_RUN_ROOT: runRoot, DOCKER_CONFIG: config, HOME: dir });
  for (const k of ['DOCKER_CONTEXT', 'BERTH_HOST', 'DOCKER_API_VERSION', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[k];
  return { dir, config, runRoot, env };
}

function berth(s: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}, input?: string | Buffer): Promise<RunResult> {
  return runProgram(BERTH_BIN, args, { env: { ...s.env, ...env }, input, timeoutMs: 30_000 });
}

function docker(s: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  assert.ok(existsSync(DOCKER_CLI), `the docker CLI (${DOCKER_CLI}) is needed for the interop tests: scripts/install-deps.sh --test installs docker.io`);
  return runDockerCli({ ...s.env, ...env }, args, { timeoutMs: 30_000 });
}

async function ok(r: Promise<RunResult>, what: string): Promise<RunResult> {
  const res = await r;
  assert.equal(res.code, 0, `${what} exited ${res.code}: ${res.stderr}`);
  return res;
}

const sha = (name: string) => createHash('sha256').update(name).digest('hex');

test('resolveContextName follows the docker CLI: --context, then -H/BERTH_HOST/DOCKER_HOST, then DOCKER_CONTEXT, currentContext, default', (t) => {
  const s = sandbox(t);
  const store = new DockerContextStore(s.config);
  const pick = (o: { host?: string; context?: string; env?: NodeJS.ProcessEnv }) => resolveContextName({ host: o.host, context: o.context, env: o.env ?? {}, store });
  assert.equal(pick({}), 'default');
  store.setCurrentContext('cur');
  assert.equal(pick({}), 'cur');
  assert.equal(pick({ env: { DOCKER_CONTEXT: 'env' } }), 'env');
  assert.equal(pick({ env: { DOCKER_CONTEXT: 'env', DOCKER_HOST: 'unix:///x' } }), 'default');
  assert.equal(pick({ env: { DOCKER_CONTEXT: 'env', BERTH_HOST: 'unix:///x' } }), 'default');
  assert.equal(pick({ context: 'flag', env: { DOCKER_CONTEXT: 'env', DOCKER_HOST: 'unix:///x' } }), 'flag');
  assert.equal(pick({ host: 'unix:///h', env: { DOCKER_CONTEXT: 'env' } }), 'default');
  assert.throws(() => pick({ host: 'unix:///h', context: 'flag' }), (e: any) => e.code === 'ERR_CONTEXT_CONFLICT' && /cannot specify both --host and --context/.test(e.message));
  // an unreadable config.json is not a failed command (the docker CLI warns and goes on)
  writeFileSync(join(s.config, 'config.json'), '{not json');
  assert.equal(pick({}), 'default');
});

test('resolveHost: a context names the socket; a missing one is docker\'s "does not exist"; TCP is refused by name', (t) => {
  const s = sandbox(t);
  const store = new DockerContextStore(s.config);
  store.write({ Name: 'mine', Metadata: {}, Endpoints: { docker: { Host: `unix://${s.runRoot}/berth.sock`, SkipTLSVerify: false } } });
  store.write({ Name: 'other', Metadata: {}, Endpoints: { docker: { Host: 'unix:///srv/other.sock', SkipTLSVerify: false } } });
  store.write({ Name: 'tcp', Metadata: {}, Endpoints: { docker: { Host: 'tcp://10.0.0.1:2376', SkipTLSVerify: false } } });
  const env = { ...s.env, BERTH_NO_AUTOSTART: '0' };
  assert.deepEqual(resolveHost(undefined, env), { socket: join(s.runRoot, 'berth.sock'), autostart: true });
  assert.deepEqual(resolveHost(undefined, env, 'other'), { socket: '/srv/other.sock', autostart: false });
  // berth's own socket through a context may still be started; someone else's never
  assert.deepEqual(resolveHost(undefined, env, 'mine'), { socket: join(s.runRoot, 'berth.sock'), autostart: true });
  assert.deepEqual(resolveHost(undefined, { ...env, DOCKER_CONTEXT: 'other' }), { socket: '/srv/other.sock', autostart: false });
  assert.equal(resolveHost('unix:///explicit.sock', { ...env, DOCKER_CONTEXT: 'other' }).socket, '/explicit.sock');
  assert.equal(resolveHost(undefined, { ...env, DOCKER_CONTEXT: 'other', DOCKER_HOST: 'unix:///dh.sock' }).socket, '/dh.sock');
  assert.throws(() => resolveHost(undefined, env, 'nope'), (e: any) => e.code === 'ERR_CONTEXT_NOT_FOUND' && e.message === 'context "nope" does not exist');
  assert.throws(() => resolveHost(undefined, env, 'tcp'), (e: any) => e.code === 'ERR_CONTEXT_ENDPOINT' && /context "tcp" points to tcp:\/\/10\.0\.0\.1:2376/.test(e.message));
});

test('natural order, and export/import keep meta.json and the TLS files', async () => {
  assert.deepEqual(['x10', 'default', 'x9', 'abc', 'x1'].sort(naturalCompare), ['abc', 'default', 'x1', 'x9', 'x10']);
  const meta = { Name: 'a', Metadata: { Description: 'd' }, Endpoints: { docker: { Host: 'unix:///a.sock', SkipTLSVerify: false } } };
  const tar = await exportContext(meta, { docker: { 'ca.pem': Buffer.from('CA') } });
  const back = await importContext(tar);
  assert.deepEqual(back.meta, meta);
  assert.deepEqual(back.tls, { docker: { 'ca.pem': Buffer.from('CA') } });
  await assert.rejects(importContext(Buffer.from('PK\x03\x04rest', 'latin1')), /zip file .* not supported/);
});

test('berth context: create, ls, use, show, inspect, update, rm round trips and docker\'s errors', async (t) => {
  const s = sandbox(t);
  const defaultEndpoint = `unix://${s.runRoot}/berth.sock`;
  let r = await ok(berth(s, ['context', 'ls']), 'ls');
  assert.equal(r.stdout, [
    'NAME        DESCRIPTION                               DOCKER ENDPOINT' + ' '.repeat(defaultEndpoint.length - 15 + 3) + 'ERROR',
    `default *   Current DOCKER_HOST based configuration   ${defaultEndpoint}   `, ''].join('\n'));

  r = await ok(berth(s, ['context', 'create', 'one', '--description', 'the first', '--docker', 'host=unix:///tmp/one.sock']), 'create');
  assert.equal(r.stdout, 'one\n');
  assert.equal(r.stderr, 'Successfully created context "one"\n');
  const metaPath = join(s.config, 'contexts', 'meta', sha('one'), 'meta.json');
  assert.deepEqual(JSON.parse(readFileSync(metaPath, 'utf8')), { Name: 'one', Metadata: { Description: 'the first' }, Endpoints: { docker: { Host: 'unix:///tmp/one.sock', SkipTLSVerify: false } } });

  // neither --docker nor --from: a copy of the context in use (here the default one)
  await ok(berth(s, ['context', 'create', 'copy']), 'create copy');
  r = await ok(berth(s, ['context', 'inspect', 'copy', '--format', '{{.Endpoints.docker.Host}} {{.Metadata.Metadata.Description}}']), 'inspect copy');
  assert.equal(r.stdout, `${defaultEndpoint} Current DOCKER_HOST based configuration\n`);
  await ok(berth(s, ['context', 'create', 'two', '--from', 'one']), 'create --from');

  r = await berth(s, ['context', 'create', 'one', '--docker', 'host=unix:///x']);
  assert.deepEqual([r.code, r.stderr], [1, 'context "one" already exists\n']);
  r = await berth(s, ['context', 'create', 'default', '--docker', 'host=unix:///x']);
  assert.deepEqual([r.code, r.stderr], [1, '"default" is a reserved context name\n']);
  r = await berth(s, ['context', 'create', 'bad name', '--docker', 'host=unix:///x']);
  assert.deepEqual([r.code, r.stderr], [1, 'context name "bad name" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"\n']);
  r = await berth(s, ['context', 'create', 'three', '--docker', 'hots=unix:///x']);
  assert.deepEqual([r.code, r.stderr], [1, 'unable to create docker endpoint config: unrecognized config key: hots\n']);
  r = await berth(s, ['context', 'create', 'three', '--docker', 'host=unix:///x', '--from', 'one']);
  assert.deepEqual([r.code, r.stderr], [1, 'cannot use --docker flag when --from is set\n']);

  r = await ok(berth(s, ['context', 'use', 'one']), 'use');
  assert.deepEqual([r.stdout, r.stderr], ['one\n', 'Current context is now "one"\n']);
  assert.equal(JSON.parse(readFileSync(join(s.config, 'config.json'), 'utf8')).currentContext, 'one');
  assert.equal(statSync(join(s.config, 'config.json')).mode & 0o777, 0o600);
  assert.equal((await ok(berth(s, ['context', 'show']), 'show')).stdout, 'one\n');
  assert.equal((await ok(berth(s, ['context', 'show'], { DOCKER_CONTEXT: 'two' }), 'show')).stdout, 'two\n');
  assert.equal((await ok(berth(s, ['--context', 'copy', 'context', 'show'], { DOCKER_CONTEXT: 'two' }), 'show')).stdout, 'copy\n');
  assert.equal((await ok(berth(s, ['-c', 'copy', 'context', 'show']), 'show')).stdout, 'copy\n');
  assert.equal((await ok(berth(s, ['context', 'show'], { DOCKER_HOST: 'unix:///tmp/x.sock', DOCKER_CONTEXT: 'two' }), 'show')).stdout, 'default\n');
  r = await berth(s, ['-H', 'unix:///tmp/x.sock', '--context', 'one', 'context', 'show']);
  assert.deepEqual([r.code, r.stderr], [1, 'conflicting options: cannot specify both --host and --context\n']);

  r = await ok(berth(s, ['context', 'ls']), 'ls');
  assert.match(r.stdout, /^one \*\s+the first\s+unix:\/\/\/tmp\/one\.sock/m);
  assert.match(r.stdout, /^default\s+Current DOCKER_HOST/m);
  assert.deepEqual(r.stdout.split('\n').slice(1, -1).map((l) => l.split(' ')[0]), ['copy', 'default', 'one', 'two']);
  r = await ok(berth(s, ['context', 'ls', '-q']), 'ls -q');
  assert.equal(r.stdout, 'copy\ndefault\none\ntwo\n');
  r = await ok(berth(s, ['context', 'ls', '--format', 'json']), 'ls json');
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.find((x) => x.Name === 'one'), { Current: true, Description: 'the first', DockerEndpoint: 'unix:///tmp/one.sock', Error: '', Name: 'one' });
  r = await ok(berth(s, ['context', 'ls', '--format', '{{.Name}}:{{.Current}}']), 'ls template');
  assert.match(r.stdout, /^one:true$/m);
  // a DOCKER_CONTEXT that does not exist is listed as current, with the reason
  r = await ok(berth(s, ['context', 'ls', '--format', '{{.Name}}|{{.Current}}|{{.Error}}'], { DOCKER_CONTEXT: 'ghost' }), 'ls ghost');
  assert.match(r.stdout, /^ghost\|true\|context "ghost": context not found: open \/tm…$/m);
  r = await ok(berth(s, ['context', 'ls'], { DOCKER_HOST: 'unix:///tmp/dh.sock' }), 'ls with DOCKER_HOST');
  assert.match(r.stdout, /^default \*\s+Current DOCKER_HOST based configuration\s+unix:\/\/\/tmp\/dh\.sock/m);
  assert.match(r.stderr, /^Warning: DOCKER_HOST environment variable overrides the active context\./);

  r = await ok(berth(s, ['context', 'inspect']), 'inspect current');
  const [one] = JSON.parse(r.stdout);
  assert.deepEqual(one, {
    Name: 'one', Metadata: { Description: 'the first' }, Endpoints: { docker: { Host: 'unix:///tmp/one.sock', SkipTLSVerify: false } },
    TLSMaterial: {}, Storage: { MetadataPath: join(s.config, 'contexts', 'meta', sha('one')), TLSPath: join(s.config, 'contexts', 'tls', sha('one')) },
  });
  r = await berth(s, ['context', 'inspect', 'default', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /"MetadataPath": "\\u003cIN MEMORY\\u003e"/);
  assert.equal(JSON.parse(r.stdout).length, 1);
  assert.match(r.stderr, /^context "nope": context not found: open .*meta\.json: no such file or directory$/m);

  r = await berth(s, ['context', 'use', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^context "nope": context not found/);

  r = await ok(berth(s, ['context', 'update', 'two', '--description', 'second', '--docker', 'host=unix:///tmp/two.sock']), 'update');
  assert.deepEqual([r.stdout, r.stderr], ['two\n', 'Successfully updated context "two"\n']);
  assert.equal((await ok(berth(s, ['context', 'inspect', '-f', '{{.Metadata.Metadata.Description}} {{.Endpoints.docker.Host}}', 'two']), 'inspect')).stdout, 'second unix:///tmp/two.sock\n');

  r = await berth(s, ['context', 'rm', 'one', 'nope', 'default']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'context "one" is in use, set -f flag to force remove\ncontext "nope" does not exist\ncontext "default" cannot be removed\n');
  r = await ok(berth(s, ['context', 'rm', '-f', 'one', 'nope']), 'rm -f');
  assert.equal(r.stdout, 'one\nnope\n');
  assert.equal(existsSync(join(s.config, 'contexts', 'meta', sha('one'))), false);
  assert.equal(JSON.parse(readFileSync(join(s.config, 'config.json'), 'utf8')).currentContext, undefined);
  assert.equal((await ok(berth(s, ['context', 'show']), 'show')).stdout, 'default\n');

  // --config names another config directory for one command, as DOCKER_CONFIG does
  const other = join(s.dir, 'other-config');
  await ok(berth(s, ['--config', other, 'context', 'create', 'elsewhere', '--docker', 'host=unix:///tmp/e.sock']), 'create --config');
  assert.equal((await ok(berth(s, ['--config', other, 'context', 'ls', '-q']), 'ls --config')).stdout, 'default\nelsewhere\n');
  assert.doesNotMatch((await ok(berth(s, ['context', 'ls', '-q']), 'ls')).stdout, /elsewhere/);

  // a real command through a context that is not there fails before any connection
  r = await berth(s, ['--context', 'gone', 'ps']);
  assert.deepEqual([r.code, r.stderr], [1, 'context "gone" does not exist\n']);
  r = await berth(s, ['ps'], { DOCKER_CONTEXT: 'gone' });
  assert.deepEqual([r.code, r.stderr], [1, 'context "gone" does not exist\n']);
});

test('interop: the docker CLI and berth share one store, both ways, byte for byte', async (t) => {
  const s = sandbox(t);
  mkdirSync(s.config, { recursive: true });
  // other keys of config.json survive both tools' writes
  writeFileSync(join(s.config, 'config.json'), JSON.stringify({ auths: { 'registry.example': { auth: 'eDp5' } }, psFormat: 'table {{.ID}}' }));
  const ca = join(s.dir, 'ca.pem');
  // the docker CLI parses the CA it is given: a real self-signed one
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(s.dir, 'ca-key.pem'), '-out', ca, '-subj', '/CN=berth-test-ca', '-days', '2'], { encoding: 'utf8' });
  assert.equal(cert.status, 0, `openssl (Debian's openssl package) made no CA: ${cert.stderr}`);

  await ok(berth(s, ['context', 'create', 'from-berth', '--description', 'made by berth', '--docker', 'host=unix:///run/b.sock']), 'berth create');
  await ok(docker(s, ['context', 'create', 'from-docker', '--description', 'made by docker', '--docker', `host=tcp://10.1.2.3:2376,ca=${ca}`]), 'docker create');
  await ok(berth(s, ['context', 'create', 'x10', '--docker', 'host=unix:///x10.sock,skip-tls-verify=true']), 'berth create x10');
  await ok(docker(s, ['context', 'create', 'x9', '--docker', 'host=unix:///x9.sock']), 'docker create x9');

  // the same table, the same JSON: both tools list with DOCKER_HOST set, so "default" is the same engine
  const same = { DOCKER_HOST: 'unix:///tmp/shared.sock' };
  for (const args of [['context', 'ls'], ['context', 'ls', '--format', 'json'], ['context', 'ls', '-q'],
    ['context', 'inspect', 'from-berth', 'from-docker', 'x9', 'x10'], ['context', 'inspect', 'default'],
    ['context', 'ls', '--format', 'table {{.Name}}\t{{.DockerEndpoint}}']]) {
    const d = await ok(docker(s, args, same), `docker ${args.join(' ')}`);
    const b = await ok(berth(s, args, same), `berth ${args.join(' ')}`);
    assert.equal(b.stdout, d.stdout, `${args.join(' ')}: berth's output is docker's`);
    assert.equal(b.stderr, d.stderr, `${args.join(' ')}: berth's warnings are docker's`);
  }

  // switching with one tool switches the other
  await ok(docker(s, ['context', 'use', 'from-berth']), 'docker use');
  assert.equal((await ok(berth(s, ['context', 'show']), 'berth show')).stdout, 'from-berth\n');
  await ok(berth(s, ['context', 'use', 'x9']), 'berth use');
  assert.equal((await ok(docker(s, ['context', 'show']), 'docker show')).stdout, 'x9\n');
  const cfg = JSON.parse(readFileSync(join(s.config, 'config.json'), 'utf8'));
  assert.deepEqual(cfg, { auths: { 'registry.example': { auth: 'eDp5' } }, psFormat: 'table {{.ID}}', currentContext: 'x9' });
  const bl = await ok(berth(s, ['context', 'ls']), 'berth ls');
  const dl = await ok(docker(s, ['context', 'ls']), 'docker ls');
  // the default row names each tool's own engine; every other row is the same
  const rest = (out: string) => out.split('\n').filter((l) => !l.startsWith('default')).map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(rest(bl.stdout), rest(dl.stdout));
  assert.match(bl.stdout, /^x9 \*/m);
  await ok(berth(s, ['context', 'use', 'default']), 'berth use default');
  assert.equal((await ok(docker(s, ['context', 'show']), 'docker show')).stdout, 'default\n');

  // export from one, import into the other, TLS files included
  const fromDocker = join(s.dir, 'from-docker.tar');
  await ok(docker(s, ['context', 'export', 'from-docker', fromDocker]), 'docker export');
  await ok(berth(s, ['context', 'import', 'imported-by-berth', fromDocker]), 'berth import');
  const fromBerth = join(s.dir, 'from-berth.tar');
  const written = await ok(berth(s, ['context', 'export', 'from-docker', fromBerth]), 'berth export');
  assert.equal(written.stderr, `Written file "${fromBerth}"\n`);
  await ok(docker(s, ['context', 'import', 'imported-by-docker', fromBerth]), 'docker import');
  // .Metadata is the whole stored meta.json in docker's templates (its Name included)
  const fmt = '{{json .Endpoints}} {{json .Metadata.Metadata}} {{json .TLSMaterial}} {{.Name}}';
  const expected = (await ok(docker(s, ['context', 'inspect', '-f', fmt, 'from-docker']), 'inspect')).stdout;
  assert.match(expected, /"ca.pem"/);
  for (const name of ['imported-by-berth', 'imported-by-docker']) {
    const want = expected.replace(/from-docker\n$/, `${name}\n`);
    assert.equal((await ok(docker(s, ['context', 'inspect', '-f', fmt, name]), `docker inspect ${name}`)).stdout, want);
    assert.equal((await ok(berth(s, ['context', 'inspect', '-f', fmt, name]), `berth inspect ${name}`)).stdout, want);
  }
  // a template written for docker prints the same through berth
  const whole = '{{.Metadata.Name}} {{.Metadata.Metadata.Description}} {{json .Storage}}';
  assert.equal((await ok(berth(s, ['context', 'inspect', '-f', whole, 'from-docker']), 'berth inspect')).stdout,
    (await ok(docker(s, ['context', 'inspect', '-f', whole, 'from-docker']), 'docker inspect')).stdout);
  assert.equal(readFileSync(join(s.config, 'contexts', 'tls', sha('imported-by-berth'), 'docker', 'ca.pem'), 'utf8'), readFileSync(ca, 'utf8'));
  // the archive holds what docker's holds, entry for entry
  const list = (f: string) => spawnSync('tar', ['tvf', f], { encoding: 'utf8' }).stdout;
  assert.equal(list(fromBerth), list(fromDocker));
  // the built-in context exports too (its endpoint), and imports as a named copy in both tools
  const defTar = join(s.dir, 'default.tar');
  await ok(docker(s, ['context', 'export', 'default', defTar], same), 'docker export default');
  const defBerth = join(s.dir, 'default-berth.tar');
  await ok(berth(s, ['context', 'export', 'default', defBerth], same), 'berth export default');
  assert.equal(list(defBerth), list(defTar));
  assert.equal(spawnSync('tar', ['xOf', defBerth, 'meta.json'], { encoding: 'utf8' }).stdout, spawnSync('tar', ['xOf', defTar, 'meta.json'], { encoding: 'utf8' }).stdout);
  // and through a pipe
  const piped = await ok(berth(s, ['context', 'export', 'x9', '-']), 'export -');
  assert.ok(piped.stdout.startsWith('meta.json'));

  // removal by one is gone for the other
  await ok(berth(s, ['context', 'rm', 'from-docker']), 'berth rm');
  await ok(docker(s, ['context', 'rm', 'from-berth']), 'docker rm');
  const names = (await ok(docker(s, ['context', 'ls', '-q']), 'docker ls -q')).stdout;
  assert.equal(names, (await ok(berth(s, ['context', 'ls', '-q']), 'berth ls -q')).stdout);
  assert.doesNotMatch(names, /from-docker|from-berth/);
});
