/** Every berth rule has its docs/lint/<CODE>.md (reasoning, bad, good, fix), and every such page a rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';

const DOCS = new URL('../../docs/lint/', import.meta.url);

test('each rule has its page, each page its rule', () => {
  const pages = readdirSync(DOCS).filter((f) => /^BL\d{4}\.md$/.test(f)).map((f) => f.replace(/\.md$/, '')).sort();
  assert.deepEqual(pages, BERTH_RULES.map((r) => r.code).sort());
  for (const r of BERTH_RULES) assert.ok(existsSync(new URL(`../../${r.url}`, import.meta.url)), r.url);
});

test('each page names the rule and its severity and has Why, Bad, Good and Fix', () => {
  for (const r of BERTH_RULES) {
    const text = readFileSync(new URL(`${r.code}.md`, DOCS), 'utf8');
    assert.match(text, new RegExp(`^# ${r.code} ${r.name}: `), r.code);
    assert.match(text, new RegExp(`Severity: \`${r.defaultSeverity}\``), r.code);
    for (const h of ['## Why', '## Bad', '## Good', '## Fix']) assert.ok(text.includes(`\n${h}\n`), `${r.code}: ${h}`);
    assert.ok((text.match(/```dockerfile\n/g) ?? []).length >= 2, r.code);
  }
});
