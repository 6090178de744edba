import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parseReference, parseNormalizedNamed, normalizeImageRef, familiarName, familiarString, fullName,
  parseAnyReference, ReferenceError,
} from '../../src/image/reference.js';

const cases = JSON.parse(readFileSync(new URL('../../../shared/conformance/image-reference/reference-cases.json', import.meta.url), 'utf8'));

test('parse: raw grammar cases', () => {
  for (const c of cases.parse.cases) {
    if (c.valid) {
      const r = parseReference(c.input);
      assert.equal(r.repository, c.repository, c.input);
      assert.equal(r.domain, c.domain, `domain of ${c.input}`);
      assert.equal(r.tag, c.tag, `tag of ${c.input}`);
      assert.equal(r.digest, c.digest, `digest of ${c.input}`);
    } else {
      assert.throws(() => parseReference(c.input), (e: unknown) => {
        assert.ok(e instanceof ReferenceError, `${c.input}: ${e}`);
        assert.equal(e.kind, c.error, c.input);
        return true;
      });
    }
  }
});

test('repositoryInfo: normalisation to familiar and full names', () => {
  for (const c of cases.repositoryInfo.cases) {
    for (const name of [c.FamiliarName, c.FullName, c.AmbiguousName].filter(Boolean)) {
      const r = parseNormalizedNamed(name);
      assert.equal(familiarName(r), c.FamiliarName, `familiar of ${name}`);
      assert.equal(fullName(r), c.FullName, `full of ${name}`);
      assert.equal(r.domain, c.Domain, `domain of ${name}`);
      assert.equal(r.path, c.RemoteName, `path of ${name}`);
    }
  }
});

test('dockerRef: tag defaulting, digest wins', () => {
  for (const c of cases.dockerRef.cases) assert.equal(normalizeImageRef(c.input), c.expected, c.name);
});

test('ValidateReferenceName and ValidateRemoteName lists', () => {
  for (const key of ['ValidateReferenceName', 'ValidateRemoteName']) {
    const lists = cases[key].lists;
    for (const [listName, names] of Object.entries(lists) as [string, string[]][]) {
      const valid = listName.startsWith('valid');
      for (const n of names) {
        if (valid) assert.doesNotThrow(() => parseNormalizedNamed(n), `${key} should accept ${n}`);
        else assert.throws(() => parseNormalizedNamed(n), ReferenceError, `${key} should reject ${n}`);
      }
    }
  }
});

test('familiar strings and IDs', () => {
  assert.equal(familiarString(parseNormalizedNamed('docker.io/library/busybox:latest')), 'busybox:latest');
  assert.equal(familiarString(parseNormalizedNamed('quay.io/x/y:1')), 'quay.io/x/y:1');
  const hex = 'a'.repeat(64);
  assert.deepEqual(parseAnyReference(hex), { id: `sha256:${hex}` });
  assert.deepEqual(parseAnyReference(`sha256:${hex}`), { id: `sha256:${hex}` });
  assert.ok('named' in parseAnyReference('busybox'));
  assert.throws(() => parseNormalizedNamed(hex), /64-byte hexadecimal/);
});
