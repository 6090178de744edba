/**
 * The CLI's reading of error answers: berth's {"message","code"} gives a DaemonError with that code;
 * dockerd's {"message"} (or text) gives the code of the status, and only then do the decisions
 * (pull on a missing image, 126/127, network rm -f, prune of absent features) look at the words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonError, EngineClient, codeOfStatus } from '../../src/client/engine-client.js';
import { isNoSuchImage, isNoSuchNetwork, isNotFound, isNotSupported, startErrorExitCode } from '../../src/cli/daemon-errors.js';
import { CliContext, formatError } from '../../src/cli/context.js';
import { buildProgram, reportError } from '../../src/cli/main.js';
import { UsageError } from '../../src/common/errors.js';

/** A daemon that answers every request with one fixed error. */
async function erroring(status: number, body: string, contentType = 'application/json'): Promise<{ client: EngineClient; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-errs-'));
  const socket = join(dir, 's.sock');
  const server: Server = createServer((_req, res) => { res.writeHead(status, { 'Content-Type': contentType }); res.end(body); });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const client = new EngineClient(socket);
  return { client, close() { client.close(); server.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function errorOf(status: number, body: string, contentType?: string): Promise<DaemonError> {
  const d = await erroring(status, body, contentType);
  try {
    await d.client.json('GET', '/containers/x/json');
  } catch (e) {
    assert.ok(e instanceof DaemonError);
    return e;
  } finally {
    d.close();
  }
  throw new Error('no error');
}

test('berth\'s answer: the code it sends, fromServer', async () => {
  const e = await errorOf(404, JSON.stringify({ message: 'No such image: x:latest', code: 'ERR_IMAGE_NOT_FOUND' }));
  assert.deepEqual([e.statusCode, e.status, e.code, e.fromServer, e.message, e.exitCode], [404, 404, 'ERR_IMAGE_NOT_FOUND', true, 'No such image: x:latest', 1]);
  assert.equal(formatError(e), 'Error response from daemon: No such image: x:latest');
});

test('dockerd\'s answer (no code), a code this CLI does not know, and plain text: the status\'s code', async () => {
  const docker = await errorOf(409, JSON.stringify({ message: 'Conflict. The container name "/x" is already in use' }));
  assert.deepEqual([docker.code, docker.fromServer], ['ERR_CONFLICT', false]);
  const unknown = await errorOf(400, JSON.stringify({ message: 'bad', code: 'ERR_FROM_THE_FUTURE' }));
  assert.deepEqual([unknown.code, unknown.fromServer], ['ERR_INVALID_ARGUMENT', false]);
  const text = await errorOf(500, 'it broke\n', 'text/plain');
  assert.deepEqual([text.code, text.message], ['ERR_DAEMON', 'it broke']);
  assert.deepEqual([404, 409, 400, 501, 500, 503].map(codeOfStatus),
    ['ERR_NOT_FOUND', 'ERR_CONFLICT', 'ERR_INVALID_ARGUMENT', 'ERR_NOT_SUPPORTED', 'ERR_DAEMON', 'ERR_DAEMON']);
});

test('a JSON stream\'s error: its code when it has one', () => {
  const e = DaemonError.fromStream({ error: 'no matching manifest', errorDetail: { message: 'no matching manifest' }, code: 'ERR_PLATFORM_NOT_FOUND' });
  assert.deepEqual([e.code, e.fromServer, e.message], ['ERR_PLATFORM_NOT_FOUND', true, 'no matching manifest']);
  assert.equal(DaemonError.fromStream({ error: 'boom' }).code, 'ERR_DAEMON');
});

test('no such image: by code from berth (whatever the words), by 404 and the words from dockerd', () => {
  assert.ok(isNoSuchImage(new DaemonError(404, 'anything', 'ERR_IMAGE_NOT_FOUND')));
  assert.ok(!isNoSuchImage(new DaemonError(404, 'No such image: x', 'ERR_CONTAINER_NOT_FOUND')));
  assert.ok(isNoSuchImage(new DaemonError(404, 'No such image: busybox:latest')));
  assert.ok(!isNoSuchImage(new DaemonError(404, 'No such container: x')));
  assert.ok(!isNoSuchImage(new UsageError('No such image')));
});

test('start failures: 127 and 126 by code; dockerd by its words; anything else 125', () => {
  assert.equal(startErrorExitCode(new DaemonError(400, 'x', 'ERR_COMMAND_NOT_FOUND')), 127);
  assert.equal(startErrorExitCode(new DaemonError(400, 'x', 'ERR_COMMAND_NOT_EXECUTABLE')), 126);
  assert.equal(startErrorExitCode(new DaemonError(400, 'x', 'ERR_COMMAND_NOT_INVOKABLE')), 126);
  // berth's code decides even when the words would say otherwise (a mount source's "no such file")
  assert.equal(startErrorExitCode(new DaemonError(500, 'open /src: no such file or directory', 'ERR_MOUNT')), 125);
  assert.equal(startErrorExitCode(new DaemonError(400, 'exec: "nope": executable file not found in $PATH')), 127);
  assert.equal(startErrorExitCode(new DaemonError(400, 'exec /etc/passwd: permission denied')), 126);
  assert.equal(startErrorExitCode(new DaemonError(500, 'something else')), 125);
  assert.equal(startErrorExitCode(new Error('executable file not found')), 125);
});

test('network rm -f, inspect and prune: by code or status', () => {
  assert.ok(isNoSuchNetwork(new DaemonError(404, 'network n not found', 'ERR_NETWORK_NOT_FOUND')));
  assert.ok(!isNoSuchNetwork(new DaemonError(404, 'network n not found', 'ERR_CONTAINER_NOT_FOUND')));
  assert.ok(isNoSuchNetwork(new DaemonError(404, 'network n not found')));
  assert.ok(!isNoSuchNetwork(new DaemonError(403, 'n is a pre-defined network and cannot be removed', 'ERR_FORBIDDEN')));
  assert.ok(isNotFound(new DaemonError(404, 'x', 'ERR_IMAGE_NOT_FOUND')));
  assert.ok(!isNotFound(new DaemonError(409, 'x', 'ERR_CONFLICT')));
  assert.ok(isNotSupported(new DaemonError(501, 'x', 'ERR_NOT_SUPPORTED')));
  assert.ok(isNotSupported(new DaemonError(400, 'build cache pruning is not supported')));
  assert.ok(!isNotSupported(new DaemonError(400, 'x is not supported', 'ERR_INVALID_ARGUMENT')));
});

test('exit statuses: a daemon error exits 1 whatever its code; the CLI\'s own usage errors 125', (t) => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => { written.push(String(s)); return true; }) as typeof process.stderr.write;
  t.after(() => { process.stderr.write = write; });
  const program = buildProgram(new CliContext({}), ['ps']);
  const codes = [
    reportError(program, ['ps'], new DaemonError(404, 'No such container: x', 'ERR_CONTAINER_NOT_FOUND')),
    reportError(program, ['ps'], new DaemonError(501, 'not here', 'ERR_NOT_SUPPORTED')),
    reportError(program, ['ps'], new DaemonError(400, 'bad', 'ERR_USAGE')),
    reportError(program, ['ps'], new UsageError('bad flag')),
  ];
  process.stderr.write = write;
  assert.deepEqual(codes, [1, 1, 1, 125]);
  assert.equal(written[0], 'Error response from daemon: No such container: x\n');
  assert.equal(written[1], 'Error response from daemon: not here\n');
  assert.match(written[3], /^berth: bad flag\n/);
});
