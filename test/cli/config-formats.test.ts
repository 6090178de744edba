/**
 * The `*Format` defaults of the docker CLI's config.json ($DOCKER_CONFIG honoured): ps, images,
 * network ls, volume ls and stats use them when --format is not given; --format wins; `table`
 * prefixes print the header; --quiet wins for ps (as docker, with its warning); a broken file is
 * docker's warning and the built-in table.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let cfgDir: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  d = await startDaemon();
  cfgDir = mkdtempSync('/tmp/bt-cfg-');
  env = { DOCKER_CONFIG: cfgDir };
  await d.ok(['run', '-d', '--name', 'fmt-alpha', 'busybox', 'sleep', '60']);
  await d.ok(['volume', 'create', 'fmt-vol']);
});
after(async () => {
  await d?.cleanup();
  if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
});

const config = (cfg: unknown) => writeFileSync(join(cfgDir, 'config.json'), typeof cfg === 'string' ? cfg : JSON.stringify(cfg));
const run = async (args: string[]) => {
  const r = await d.berth(args, { env });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
};

test('each list command uses its config.json format; --format on the command line wins', async () => {
  config({
    psFormat: 'table {{.Names}}\\t{{.Image}}',
    imagesFormat: '{{.Repository}}:{{.Tag}}',
    networksFormat: 'table {{.Name}}',
    volumesFormat: 'V {{.Name}}',
    statsFormat: '{{.Name}} stat',
  });
  const ps = (await run(['ps'])).stdout.trimEnd().split('\n');
  assert.match(ps[0], /^NAMES\s+IMAGE$/);
  assert.match(ps[1], /^fmt-alpha\s+busybox$/);
  assert.match((await run(['container', 'ls'])).stdout, /^NAMES\s+IMAGE\nfmt-alpha\s+busybox\n$/);
  assert.equal((await run(['ps', '--format', '{{.Names}}!'])).stdout, 'fmt-alpha!\n');
  assert.match((await run(['ps', '--format', 'table'])).stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
  assert.equal((await run(['images'])).stdout, 'busybox:latest\n');
  assert.equal((await run(['image', 'ls', '--format', '{{.Repository}}'])).stdout, 'busybox\n');
  assert.match((await run(['images', '-q'])).stdout, /^[0-9a-f]{12}\n$/);
  assert.deepEqual((await run(['network', 'ls'])).stdout.trimEnd().split('\n'), ['NAME', 'bridge', 'host', 'none']);
  assert.match((await run(['network', 'ls', '-q'])).stdout, /^([0-9a-f]{12}\n){3}$/);
  assert.equal((await run(['volume', 'ls'])).stdout, 'V fmt-vol\n');
  assert.equal((await run(['volume', 'ls', '-q'])).stdout, 'fmt-vol\n');
  assert.equal((await run(['stats', '--no-stream'])).stdout, 'fmt-alpha stat\n');
  assert.equal((await run(['stats', '--no-stream', '--format', '{{.Name}}'])).stdout, 'fmt-alpha\n');
});

test('ps: --quiet wins over psFormat and over --format (with docker\'s warning)', async () => {
  config({ psFormat: '{{.Names}}' });
  const q = await run(['ps', '-q']);
  assert.match(q.stdout, /^[0-9a-f]{12}\n$/);
  assert.equal(q.stderr, '');
  const qf = await run(['ps', '-q', '--format', '{{.Names}}']);
  assert.match(qf.stdout, /^[0-9a-f]{12}\n$/);
  assert.equal(qf.stderr, 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
});

test('a config.json that does not parse is a warning and the built-in table', async () => {
  config('{broken');
  const r = await run(['ps']);
  assert.match(r.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND/);
  assert.match(r.stderr, new RegExp(`^WARNING: Error parsing config file \\(${join(cfgDir, 'config.json')}\\): .+\\n$`));
  config({ psFormat: 5 });
  const wrongType = await run(['ps']);
  assert.match(wrongType.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND/);
  assert.match(wrongType.stderr, /^WARNING: Error parsing config file .*psFormat/);
});
