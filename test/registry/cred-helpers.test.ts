/**
 * `credsStore` / `credHelpers` in config.json: login, push, pull and logout against an authenticated
 * loopback registry through a docker-credential-<name> helper (a shell script on PATH speaking the
 * docker-credential protocol: get / store / erase / list, JSON over stdin and stdout), with berth's CLI
 * and the docker CLI sharing one config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startDaemon } from '../helpers/daemon.js';
import { DOCKER, runProgram } from '../compat/helpers.js';
import { serveRegistry, type Peer } from './peers.js';
import { registryConfigHeader, storeCredentials } from '../../src/registry/client/credentials.js';

/** One file per server in $BT_CRED_DIR (named by the base64url of the URL); every call logged. */
const HELPER = `#!/bin/sh
dir="$BT_CRED_DIR"
echo "$1" >> "$dir/calls.log"
file() { printf '%s' "$1" | base64 -w0 | tr '/+' '_-'; }
case "$1" in
  store)
    in=$(cat)
    server=$(printf '%s' "$in" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p')
    printf '%s' "$in" > "$dir/creds/$(file "$server")" ;;
  get)
    server=$(cat)
    f="$dir/creds/$(file "$server")"
    if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase)
    server=$(cat)
    f="$dir/creds/$(file "$server")"
    if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  list)
    printf '{'; sep=''
    for f in "$dir"/creds/*; do
      [ -f "$f" ] || continue
      s=$(sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p' "$f"); u=$(sed -n 's/.*"Username":"\\([^"]*\\)".*/\\1/p' "$f")
      printf '%s"%s":"%s"' "$sep" "$s" "$u"; sep=','
    done
    printf '}' ;;
  *) echo "unknown action $1" >&2; exit 1 ;;
esac
`;

for (const mode of ['credsStore', 'credHelpers'] as const) {
  test(`${mode}: login, push, pull, logout through docker-credential-bttest`, async (t) => {
    const d = await startDaemon();
    const tmp = mkdtempSync('/tmp/bt-credh-');
    let reg: Peer | undefined;
    t.after(async () => { reg?.stop(); await d.cleanup(); rmSync(tmp, { recursive: true, force: true }); });
    writeFileSync(join(tmp, 'htpasswd'), `alice:${bcrypt.hashSync('secret', 6)}\n`);
    reg = await serveRegistry(d.netns, join(tmp, 'reg'), '127.0.0.1:5011', ['--htpasswd', join(tmp, 'htpasswd'), '--auth', 'basic']);
    const bin = join(tmp, 'bin');
    const credDir = join(tmp, 'store');
    const cfgDir = join(tmp, 'config');
    for (const x of [bin, join(credDir, 'creds'), cfgDir]) mkdirSync(x, { recursive: true });
    writeFileSync(join(bin, 'docker-credential-bttest'), HELPER);
    chmodSync(join(bin, 'docker-credential-bttest'), 0o755);
    const host = '127.0.0.1:5011';
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify(mode === 'credsStore' ? { credsStore: 'bttest' } : { credHelpers: { [host]: 'bttest' } }));
    const env = { PATH: `${bin}:${process.env.PATH}`, BT_CRED_DIR: credDir, DOCKER_CONFIG: cfgDir, HOME: tmp };
    const ok = async (args: string[], input?: string) => {
      const r = await d.berth(args, { env, input, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    await ok(['image', 'bootstrap', 'busybox']);
    await ok(['tag', 'busybox', `${host}/priv/busybox:1`]);

    const anon = await d.berth(['push', `${host}/priv/busybox:1`], { env, timeoutMs: 60_000 });
    assert.notEqual(anon.code, 0, 'nothing stored yet: the helper says not found and the push is refused');
    assert.match(anon.stderr, /unauthorized|authentication required/i);

    assert.match(await ok(['login', '-u', 'alice', '--password-stdin', host], 'secret\n'), /Login Succeeded/);
    const cfg = JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8'));
    assert.deepEqual(cfg.auths?.[host], {}, 'config.json keeps no secret, only the entry');
    const stored = readdirSync(join(credDir, 'creds')).map((f) => JSON.parse(readFileSync(join(credDir, 'creds', f), 'utf8')));
    assert.deepEqual(stored, [{ ServerURL: host, Username: 'alice', Secret: 'secret' }]);

    await ok(['push', `${host}/priv/busybox:1`]);
    await ok(['rmi', `${host}/priv/busybox:1`]);
    await ok(['pull', `${host}/priv/busybox:1`]);
    assert.match(readFileSync(join(credDir, 'calls.log'), 'utf8'), /store\n(.*\n)*get\n/);

    if (existsSync(DOCKER)) {
      // the docker CLI reads the same helper for its pull (X-Registry-Auth to berth serve)
      const denv: NodeJS.ProcessEnv = { ...process.env, ...env, DOCKER_HOST: `unix://${d.socket}` };
      delete denv.NODE_TEST_CONTEXT;
      await ok(['rmi', `${host}/priv/busybox:1`]);
      const r = await runProgram(DOCKER, ['pull', `${host}/priv/busybox:1`], { env: denv, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
    }

    assert.match(await ok(['logout', host]), new RegExp(`Removing login credentials for ${host.replace(/\./g, '\\.')}`));
    assert.deepEqual(readdirSync(join(credDir, 'creds')), [], 'erased from the helper');
    assert.equal(JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8')).auths?.[host], undefined);
    await ok(['rmi', `${host}/priv/busybox:1`]);
    const after = await d.berth(['pull', `${host}/priv/busybox:1`], { env, timeoutMs: 60_000 });
    assert.notEqual(after.code, 0, 'logged out: pull refused');

    if (existsSync(DOCKER)) {
      // what the docker CLI's login stores through the helper, berth's CLI finds
      const denv: NodeJS.ProcessEnv = { ...process.env, ...env, DOCKER_HOST: `unix://${d.socket}` };
      delete denv.NODE_TEST_CONTEXT;
      const login = await runProgram(DOCKER, ['login', '-u', 'alice', '--password-stdin', host], { env: denv, input: 'secret\n', timeoutMs: 60_000 });
      assert.equal(login.code, 0, login.stderr);
      assert.equal(readdirSync(join(credDir, 'creds')).length, 1);
      await ok(['pull', `${host}/priv/busybox:1`]);
      assert.equal((await runProgram(DOCKER, ['logout', host], { env: denv })).code, 0);
      assert.deepEqual(readdirSync(join(credDir, 'creds')), []);
    }
  });
}

test('the build credentials header includes what a credsStore lists, with no config.json entry', () => {
  const tmp = mkdtempSync('/tmp/bt-credl-');
  const saved = { PATH: process.env.PATH, BT_CRED_DIR: process.env.BT_CRED_DIR, DOCKER_CONFIG: process.env.DOCKER_CONFIG };
  try {
    mkdirSync(join(tmp, 'bin'));
    mkdirSync(join(tmp, 'store', 'creds'), { recursive: true });
    writeFileSync(join(tmp, 'bin', 'docker-credential-bttest'), HELPER);
    chmodSync(join(tmp, 'bin', 'docker-credential-bttest'), 0o755);
    writeFileSync(join(tmp, 'config.json'), JSON.stringify({ credsStore: 'bttest' }));
    process.env.PATH = `${join(tmp, 'bin')}:${process.env.PATH}`;
    process.env.BT_CRED_DIR = join(tmp, 'store');
    process.env.DOCKER_CONFIG = tmp;
    storeCredentials('registry.example:5000', { username: 'bob', password: 'pw' });
    // another tool stored this one: only the helper knows it
    writeFileSync(join(tmp, 'config.json'), JSON.stringify({ credsStore: 'bttest' }));
    const header = JSON.parse(Buffer.from(registryConfigHeader()!, 'base64url').toString('utf8'));
    assert.deepEqual(header, { 'registry.example:5000': { username: 'bob', password: 'pw', serveraddress: 'registry.example:5000' } });
  } finally {
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    rmSync(tmp, { recursive: true, force: true });
  }
});
