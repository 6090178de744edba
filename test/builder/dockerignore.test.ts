import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PatternMatcher, globRegex, readIgnoreFile } from '../../src/builder/context/dockerignore.js';

const DIR = new URL('../../../shared/conformance/dockerignore/', import.meta.url);
const pm = JSON.parse(readFileSync(new URL('patternmatcher-cases.json', DIR), 'utf8'));
const ign = JSON.parse(readFileSync(new URL('ignorefile-cases.json', DIR), 'utf8'));

test('patternmatcher cases', () => {
  for (const c of pm.cases) {
    if (c.error) { assert.throws(() => new PatternMatcher(c.patterns).matches(c.path), JSON.stringify(c)); continue; }
    assert.equal(new PatternMatcher(c.patterns).matches(c.path), c.expected, JSON.stringify(c));
  }
});

test('filepath.Match cases', () => {
  for (const c of pm.filepathMatch) {
    if (c.error) { assert.throws(() => globRegex(c.patterns[0]), JSON.stringify(c)); continue; }
    assert.equal(new PatternMatcher(c.patterns).matches(c.path), c.expected, JSON.stringify(c));
  }
});

test('ignore file reading', () => {
  for (const c of ign.cases) assert.deepEqual(readIgnoreFile(c.text), c.patterns);
});
