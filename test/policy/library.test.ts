/**
 * The policy through the Engine as a library (`Engine.open({ signaturePolicy })`): `engine.create`
 * refuses like the API does, records the policy-denied event, and leaves no container behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { PolicyDeniedError } from '../../src/sign/admission.js';

test('Engine.open({ signaturePolicy }): create is refused with PolicyDeniedError and an event', async () => {
  const tmp = mkdtempSync('/tmp/berth-policy-lib-');
  const policy = join(tmp, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }], transports: { docker: { 'docker.io/library/refused': [{ type: 'reject' }] } } }));
  const engine = await Engine.open({ root: join(tmp, 'root'), runRoot: join(tmp, 'run'), signaturePolicy: policy });
  try {
    assert.deepEqual(engine.admission?.describe(), { path: policy, ok: true });
    const busybox = await engine.bootstrap('busybox');
    engine.images.tag('busybox', 'refused:1');
    const ok = await engine.create({ Image: 'busybox', Cmd: ['true'] });
    await engine.rm(ok.Id);
    const since = Date.now() / 1000 - 1;
    await assert.rejects(engine.create({ Image: 'refused:1', Cmd: ['true'] }), (e: unknown) => {
      assert.ok(e instanceof PolicyDeniedError);
      assert.equal(e.code, 'ERR_POLICY_DENIED');
      assert.match(e.message, /^Source image rejected: Running image docker:\/\/refused:1 is rejected by policy\./);
      return true;
    });
    assert.equal(engine.containers.list({ all: true }).length, 0);
    const events = [];
    for await (const ev of engine.events({ since, until: Date.now() / 1000 + 1, filters: { event: ['policy-denied'] } })) events.push(ev);
    assert.equal(events.length, 1);
    assert.equal((events[0] as any).Actor.ID, busybox.id);
    assert.equal((events[0] as any).Actor.Attributes.name, 'refused:1');
  } finally {
    await engine.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
