/** docker diff hides the engine's own mount points and the parent copied up only for them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutEngineMountpoints } from '../../src/container/engine-mountpoints.js';

test('a fresh container shows no changes; real changes beside the mount points stay', () => {
  const fresh = [{ Path: '/etc', Kind: 0 }, { Path: '/etc/hostname', Kind: 1 }, { Path: '/etc/hosts', Kind: 1 }, { Path: '/etc/resolv.conf', Kind: 1 }, { Path: '/proc', Kind: 1 }];
  assert.deepEqual(withoutEngineMountpoints(fresh), []);
  const changed = [...fresh, { Path: '/etc/motd', Kind: 1 }, { Path: '/data', Kind: 1 }];
  assert.deepEqual(withoutEngineMountpoints(changed), [{ Path: '/etc', Kind: 0 }, { Path: '/etc/motd', Kind: 1 }, { Path: '/data', Kind: 1 }]);
  // a modified (not added) /etc/hosts is the user's change, not a mount point berth made
  assert.deepEqual(withoutEngineMountpoints([{ Path: '/etc', Kind: 0 }, { Path: '/etc/hosts', Kind: 0 }]), [{ Path: '/etc', Kind: 0 }, { Path: '/etc/hosts', Kind: 0 }]);
});
