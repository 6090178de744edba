/**
 * Synthetic OSV advisories for the scan benchmark: schema-valid (id, modified, affected with ECOSYSTEM
 * ranges, CVSS vectors), spread over the package names the benchmark wants to hit plus made-up ones,
 * so the database has the size and shape of osv.dev's Debian and npm exports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { OsvAdvisory } from '../../src/scan/osv/types.js';

export interface SynthOptions {
  count: number;
  /** real package names (e.g. the Debian image's source packages) that some advisories name */
  hit?: Array<{ ecosystem: string; name: string }>;
  /** share of advisories that name a package from `hit` (default 0.05) */
  hitShare?: number;
}

const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', // 9.8
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N', // 6.5
  'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', // 7.8
  'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N', // 2.5
];

export function* synthAdvisories(opts: SynthOptions): Generator<OsvAdvisory> {
  const hit = opts.hit ?? [];
  const share = opts.hitShare ?? 0.05;
  const every = hit.length && share > 0 ? Math.max(1, Math.round(1 / share)) : 0;
  for (let i = 0; i < opts.count; i++) {
    const target = every && i % every === 0 ? hit[(i / every) % hit.length]! : { ecosystem: i % 2 ? 'Debian:12' : 'npm', name: `synthetic-pkg-${i % 20011}` };
    const fixed = target.ecosystem.startsWith('Debian') ? `${1 + (i % 9)}.${i % 13}-${1 + (i % 3)}` : `${1 + (i % 9)}.${i % 13}.${i % 7}`;
    yield {
      schema_version: '1.6.0',
      id: `OSV-2099-${String(i).padStart(7, "0")}`,
      modified: '2026-11-01T00:00:00Z',
      published: '2026-10-01T00:00:00Z',
      aliases: [`CVE-2099-${100000 + i}`],
      summary: `synthetic advisory ${i} for ${target.name}`,
      details: 'A made-up vulnerability, generated for the benchmark. '.repeat(4),
      severity: [{ type: 'CVSS_V3', score: VECTORS[i % VECTORS.length]! }],
      affected: [{
        package: { ecosystem: target.ecosystem, name: target.name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      }],
      references: [{ type: 'ADVISORY', url: `https://example.invalid/advisory/${i}` }],
    };
  }
}

/** Write advisories as one JSON file each under dir (the layout of osv.dev's zips, unpacked). */
export function writeSynthDir(dir: string, opts: SynthOptions): void {
  mkdirSync(dir, { recursive: true });
  for (const a of synthAdvisories(opts)) writeFileSync(join(dir, `${a.id}.json`), JSON.stringify(a, null, 2));
}

/** Write advisories as a zip like osv.dev's `all.zip` (one deflated JSON file per advisory). */
export function writeSynthZip(path: string, opts: SynthOptions): void {
  const files: Record<string, Uint8Array> = {};
  for (const a of synthAdvisories(opts)) files[`${a.id}.json`] = strToU8(JSON.stringify(a, null, 2));
  // level 1: the benchmark times reading, not making, the archive
  writeFileSync(path, zipSync(files, { level: 1 }));
}
