/**
 * The streaming server's request cache, as the kubelet's (pkg/kubelet/cri/streaming/request_cache.go):
 * tokens are single-use, expire after a minute, and at most 1000 wait at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestCache } from '../../src/cri/streaming/request-cache.js';
import { pickProtocol, REMOTE_COMMAND_PROTOCOLS, PORT_FORWARD_PROTOCOLS } from '../../src/cri/streaming/channels.js';
import { commandStatus } from '../../src/cri/streaming/remote-command.js';

const req = { kind: 'attach' as const, containerId: 'c', tty: false, stdin: false, stdout: true, stderr: false };

test('a token is URL-safe, 8 characters, and can be used once', () => {
  const c = new RequestCache();
  const t = c.insert(req);
  assert.match(t, /^[A-Za-z0-9_-]{8}$/);
  assert.deepEqual(c.consume(t), req);
  assert.equal(c.consume(t), undefined);
  assert.equal(c.consume('nonsense'), undefined);
});

test('a token expires after its TTL (one minute by default)', () => {
  let now = 1_000_000;
  const c = new RequestCache(60_000, 1000, () => now);
  const t = c.insert(req);
  now += 59_999;
  const t2 = c.insert(req);
  assert.deepEqual(c.consume(t2), req);
  now += 1;
  assert.equal(c.consume(t), undefined, 'expired at 60 s');
});

test('at most MAX_IN_FLIGHT tokens wait; expired ones make room', () => {
  let now = 0;
  const c = new RequestCache(1000, 3, () => now);
  for (let i = 0; i < 3; i++) c.insert(req);
  assert.throws(() => c.insert(req), { code: 'ERR_CRI_STREAM_BUSY', status: 429 });
  now = 1000;
  assert.doesNotThrow(() => c.insert(req));
  assert.equal(c.size, 1);
});

test('subprotocol negotiation: newest first, none offered is binary, unknown refused', () => {
  assert.equal(pickProtocol(new Set(['v4.channel.k8s.io', 'v5.channel.k8s.io']), REMOTE_COMMAND_PROTOCOLS), 'v5.channel.k8s.io');
  assert.equal(pickProtocol(new Set(['channel.k8s.io']), REMOTE_COMMAND_PROTOCOLS), 'channel.k8s.io');
  assert.equal(pickProtocol(new Set(), REMOTE_COMMAND_PROTOCOLS), '');
  assert.equal(pickProtocol(new Set(['SPDY/3.1']), REMOTE_COMMAND_PROTOCOLS), false);
  assert.equal(pickProtocol(new Set(['portforward.k8s.io']), PORT_FORWARD_PROTOCOLS), 'portforward.k8s.io');
});

test('metav1.Status of an exit: Success, NonZeroExitCode with the code, InternalError', () => {
  assert.deepEqual(commandStatus(0), { metadata: {}, status: 'Success' });
  assert.deepEqual(commandStatus(2), {
    metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: exit status 2',
    reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] },
  });
  assert.equal((commandStatus(null, 'boom') as { reason: string }).reason, 'InternalError');
});
