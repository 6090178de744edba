/** The registry client's agents: loopback is never proxied; agents for other origins are bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, sharedAgentFor } from '../../src/registry/client/agents.js';

test('loopback hosts, as Go sees them, bypass any proxy', () => {
  for (const h of ['localhost', 'registry.localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['10.0.0.1', 'registry.example', '::2', 'localhost.example', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);
});

test('shared agents are reused per origin; past 64 origins the least recently used is destroyed and replaced', () => {
  const first = sharedAgentFor(new URL('http://origin-0.invalid/a'));
  assert.equal(sharedAgentFor(new URL('http://origin-0.invalid/b')), first, 'one agent per origin');
  let destroyed = false;
  const destroy = first.destroy.bind(first);
  first.destroy = () => { destroyed = true; destroy(); };
  for (let i = 1; i <= 64; i++) sharedAgentFor(new URL(`http://origin-${i}.invalid/`));
  assert.ok(destroyed, 'the oldest agent was destroyed');
  assert.notEqual(sharedAgentFor(new URL('http://origin-0.invalid/')), first, 'and a new one serves its origin');
  const recent = sharedAgentFor(new URL('http://origin-64.invalid/'));
  assert.equal(sharedAgentFor(new URL('http://origin-64.invalid/')), recent, 'recent ones are kept');
});
