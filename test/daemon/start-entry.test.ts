/**
 * The daemon's own entry (src/daemon/start.ts): it finds `serve` behind the same global options as
 * the CLI, passes them on as the CLI did (without -D/--debug), and hands every other command line
 * to the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { serveArgsOf } from '../../src/daemon/start.js';
import { cleanEnv, REPO } from '../helpers/daemon.js';

test('serveArgsOf: serve after global options, and nothing else', () => {
  assert.deepEqual(serveArgsOf(['serve']), []);
  assert.deepEqual(serveArgsOf(['serve', '--root', '/r']), ['--root', '/r']);
  assert.deepEqual(serveArgsOf(['-H', 'unix:///s', '-D', 'serve', '--log-level', 'debug']), ['-H', 'unix:///s', '--log-level', 'debug']);
  assert.deepEqual(serveArgsOf(['--host=unix:///s', '--debug', '--tls', 'serve']), ['--host=unix:///s', '--tls']);
  assert.deepEqual(serveArgsOf(['--context', 'serve', 'ps']), undefined, 'a global option\'s value named serve');
  assert.equal(serveArgsOf(['run', '--name', 'serve', 'busybox']), undefined);
  assert.equal(serveArgsOf(['ps']), undefined);
  assert.equal(serveArgsOf([]), undefined);
});

test('bin/berth hands a command line that only mentions serve to the CLI', () => {
  const r = spawnSync(join(REPO, 'bin', 'berth'), ['-H', 'unix:///nonexistent/berth.sock', 'version', '--format', '{{.Client.Version}}', 'serve'], { encoding: 'utf8', env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }), timeout: 30_000 });
  assert.match(r.stderr, /'berth version' accepts no arguments/, 'the CLI answered, not a daemon');
  const help = spawnSync(join(REPO, 'bin', 'berth'), ['serve', '--help'], { encoding: 'utf8', env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }), timeout: 30_000 });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--root <dir>/, 'serve\'s own help, through the daemon entry');
});
