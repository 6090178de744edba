/**
 * One whole scan in a process of its own, for the memory probe: argv = the database file and an SBOM
 * (berth's model, JSON). Prints {maxRssKiB, baselineRssKiB, findings, ms}.
 */
import { readFileSync } from 'node:fs';
import { OsvDatabase } from '../../src/scan/db/osv-db.js';
import { scanSbom } from '../../src/scan/scan-sbom.js';
import type { Sbom } from '../../src/sbom/types.js';

const [dbPath, sbomPath] = process.argv.slice(2) as [string, string];
const baselineRssKiB = Math.round(process.memoryUsage().rss / 1024);
const t = performance.now();
const db = OsvDatabase.open(dbPath);
const sbom = JSON.parse(readFileSync(sbomPath, 'utf8')) as Sbom;
const report = scanSbom(db, sbom);
const text = JSON.stringify(report);
const ms = performance.now() - t;
db.close();
process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, baselineRssKiB, findings: report.findings.length, ms, bytes: text.length }) + '\n');
