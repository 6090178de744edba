/**
 * berth scan: the SBOM of debian:bookworm (made with mmdebstrap, imported untimed), a scan of it by the
 * daemon against 100,000 synthetic but schema-valid OSV advisories, the import of 100,000 advisories,
 * and how the cost grows with the number of advisories (import and match) and of packages (match).
 * The series run the scanner's own modules in the harness's process (a fresh database file per
 * import iteration), so they time the database and the matcher, not the CLI and the socket; the two
 * command cases time what a user waits for. The memory probe runs a whole scan in a child process and
 * reads its peak RSS.
 *
 * No reference scanner is compared: grype and Trivy are not in Debian 12's archive and nothing may be
 * fetched from the internet here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import { OsvDatabase } from '../../src/scan/db/osv-db.js';
import { matchSbom } from '../../src/scan/match.js';
import type { Sbom, SbomPackage } from '../../src/sbom/types.js';
import type { BenchContext } from '../lib/context.js';
import { writeSynthZip } from '../lib/osv-synth.js';
import { rssKiB, timedSpawnOk } from '../lib/proc.js';
import type { Case, Probe, ProbeLine, Tool } from '../lib/types.js';
import { CURRENT_BUILD } from '../peers/berth-build.js';

const IMAGE = 'debian:bookworm';
const FULL_ADVISORIES = 100_000;

/** debian:bookworm in the daemon (busybox in smoke runs: no mmdebstrap there), and its SBOM in berth's model. */
async function debianImage(ctx: BenchContext): Promise<{ image: string; sbom: Sbom }> {
  return ctx.shared('scan:debian', async () => {
    const berth = await ctx.berth();
    if (ctx.options.smoke) {
      return { image: 'busybox', sbom: JSON.parse((await berth.cli(['sbom', 'busybox', '--format', 'json'])).stdout) as Sbom };
    }
    const present = await berth.cliRaw(['image', 'inspect', IMAGE]);
    if (present.code !== 0) {
      // the daemon's namespace reaches no mirror: mmdebstrap runs here, as berth's bootstrap would;
      // BENCH_DEBIAN_ROOTFS names a tar it made before, to save the minutes
      let rootfs = process.env.BENCH_DEBIAN_ROOTFS;
      if (!rootfs) {
        rootfs = join(ctx.workDir, 'scan-debian-rootfs.tar');
        ctx.log('building debian:bookworm with mmdebstrap for the scan cases (untimed; minutes)');
        await timedSpawnOk('mmdebstrap', ['--variant=minbase', '--mode=root', '--format=tar', '--quiet', 'bookworm', rootfs], { timeoutMs: 1_800_000 });
      }
      await berth.cli(['import', '-c', 'CMD ["bash"]', rootfs, IMAGE], 600_000);
    }
    return { image: IMAGE, sbom: JSON.parse((await berth.cli(['sbom', IMAGE, '--format', 'json'], 120_000)).stdout) as Sbom };
  });
}

/** The image's source packages, which a share of the synthetic advisories name (so the scan has findings). */
function hits(sbom: Sbom): Array<{ ecosystem: string; name: string }> {
  const names = [...new Set(sbom.packages.filter((p) => p.type === 'deb').map((p) => p.sourceName ?? p.name))].sort();
  return names.map((name) => ({ ecosystem: 'Debian:12', name }));
}

/** A zip of n synthetic advisories, written once per size. */
async function advisoryZip(ctx: BenchContext, n: number): Promise<string> {
  return ctx.shared(`scan:zip:${n}`, async () => {
    const { sbom } = await debianImage(ctx);
    const file = join(ctx.workDir, `osv-${n}.zip`);
    ctx.log(`writing ${n} synthetic OSV advisories to ${file} (untimed)`);
    writeSynthZip(file, { count: n, hit: hits(sbom), hitShare: 0.02 });
    return file;
  });
}

/** A database of n advisories, imported once per size (untimed). */
async function database(ctx: BenchContext, n: number): Promise<OsvDatabase> {
  return ctx.shared(`scan:db:${n}`, async () => {
    const zip = await advisoryZip(ctx, n);
    const dir = join(ctx.workDir, `scan-db-${n}`);
    mkdirSync(dir, { recursive: true });
    const db = OsvDatabase.open(join(dir, 'osv.db'));
    ctx.onCleanup(`close scan database ${n}`, () => db.close());
    await db.import([zip]);
    return db;
  });
}

/** n Debian packages named as the synthetic advisories name them (`synthetic-pkg-<i>`), so each has candidates. */
function syntheticSbom(n: number): Sbom {
  const packages: SbomPackage[] = Array.from({ length: n }, (_, i) => ({
    name: `synthetic-pkg-${i}`, version: '1.0-1', type: 'deb', purl: `pkg:deb/debian/synthetic-pkg-${i}@1.0-1?distro=debian-12`, licenses: [], locations: [{ path: '/var/lib/dpkg/status' }],
  }));
  return { source: { type: 'directory', name: 'synthetic' }, distro: { id: 'debian', versionId: '12' }, packages, warnings: [], created: new Date().toISOString(), tool: { name: 'berth', version: 'bench' } };
}

function inProcessTool(name: string, command: string, setup: () => Promise<void>, run: () => Promise<number | void> | number | void): Tool {
  return { name, role: 'berth', command, setup, async run() { return await run(); }, async teardown() {} };
}

const sbomCase: Case = {
  name: 'scan: SBOM of debian:bookworm',
  description: 'berth sbom debian:bookworm --format json: the daemon catalogues the image\'s layers (dpkg status, copyright files), the CLI prints the model',
  goal: 'SBOM < 1 s',
  tools: (ctx) => [{
    name: 'berth', role: 'berth', command: `berth sbom ${IMAGE} --format json`,
    async setup() { await debianImage(ctx); },
    async run() {
      const { image } = await debianImage(ctx);
      return (await (await ctx.berth()).cli(['sbom', image, '--format', 'json'], 120_000)).ms;
    },
    async teardown() {},
  }],
};

const scanCase: Case = {
  name: 'scan: debian:bookworm against 100,000 advisories',
  description: 'berth scan debian:bookworm --format json, the daemon holding 100,000 synthetic OSV advisories (2% naming the image\'s source packages): SBOM, lookups, version ranges, report',
  goal: 'scan < 2 s',
  tools: (ctx) => [{
    name: 'berth', role: 'berth', command: `berth scan ${IMAGE} --format json`,
    async setup() {
      const berth = await ctx.berth();
      await ctx.shared('scan:daemon-db', async () => {
        const zip = await advisoryZip(ctx, ctx.size(FULL_ADVISORIES, 2000));
        await berth.cli(['scan', 'db', 'import', zip], 600_000);
      });
    },
    async run() {
      const { image } = await debianImage(ctx);
      const r = await (await ctx.berth()).cli(['scan', image, '--format', 'json'], 120_000);
      if (!ctx.options.smoke && (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length === 0) throw new SystemError('the scan found nothing: the synthetic advisories should name the image', 'ERR_SCAN');
      return r.ms;
    },
    async teardown() {},
  }],
};

/** db import of n advisories into an empty database (a zip as osv.dev publishes them). */
function importCase(full: number, smoke: number): Case {
  return {
    name: `scan: import ${full.toLocaleString('en')} advisories`,
    description: `OsvDatabase.import of a zip of ${full.toLocaleString('en')} synthetic advisories into a new database file (parse, validate, deflate, index; batched transactions)`,
    goal: full === FULL_ADVISORIES ? 'import 100k < 60 s' : undefined,
    maxIterations: 3,
    series: (ctx) => ({ name: 'scan db import', size: ctx.size(full, smoke), unit: 'advisory' }),
    tools: (ctx) => {
      const n = ctx.size(full, smoke);
      let dir = '';
      return [inProcessTool('berth', `berth scan db import osv-${n}.zip`, async () => { await advisoryZip(ctx, n); }, async () => {
        const zip = await advisoryZip(ctx, n);
        dir = mkdtempSync(join(ctx.workDir, 'import-'));
        const db = OsvDatabase.open(join(dir, 'osv.db'));
        const t = performance.now();
        const r = await db.import([zip]);
        const ms = performance.now() - t;
        db.close();
        rmSync(dir, { recursive: true, force: true });
        if (r.total !== n) throw new SystemError(`imported ${r.total} of ${n}`, 'ERR_SCAN');
        return ms;
      })];
    },
  };
}

/** Matching the Debian image's SBOM against n advisories (database ready, untimed). */
function matchByAdvisoriesCase(full: number, smoke: number): Case {
  return {
    name: `scan: match debian:bookworm against ${full.toLocaleString('en')} advisories`,
    description: `matchSbom of the image's SBOM against a database of ${full.toLocaleString('en')} advisories (lookups, range evaluation, severity, alias merge)`,
    series: (ctx) => ({ name: 'scan match by advisories', size: ctx.size(full, smoke), unit: 'advisory' }),
    tools: (ctx) => [inProcessTool('berth', 'matchSbom(sbom, db)', async () => { await database(ctx, ctx.size(full, smoke)); }, async () => {
      const db = await database(ctx, ctx.size(full, smoke));
      const { sbom } = await debianImage(ctx);
      const t = performance.now();
      matchSbom(sbom, db);
      return performance.now() - t;
    })],
  };
}

/** Matching n packages against 100,000 advisories. */
function matchByPackagesCase(full: number, smoke: number): Case {
  return {
    name: `scan: match ${full.toLocaleString('en')} packages against 100,000 advisories`,
    description: `matchSbom of ${full.toLocaleString('en')} Debian packages that the synthetic advisories name (about 3 candidates each)`,
    series: (ctx) => ({ name: 'scan match by packages', size: ctx.size(full, smoke), unit: 'package' }),
    tools: (ctx) => [inProcessTool('berth', 'matchSbom(sbom, db)', async () => { await database(ctx, ctx.size(FULL_ADVISORIES, 2000)); }, async () => {
      const db = await database(ctx, ctx.size(FULL_ADVISORIES, 2000));
      const sbom = syntheticSbom(ctx.size(full, smoke));
      const t = performance.now();
      matchSbom(sbom, db);
      return performance.now() - t;
    })],
  };
}

/** Peak RSS of a whole scan (open the 100k database, match the image's SBOM, build the report) in a process of its own. */
export const scanMemoryProbe: Probe = {
  name: 'scan memory',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    const n = ctx.size(FULL_ADVISORIES, 2000);
    const db = await database(ctx, n);
    const { sbom } = await debianImage(ctx);
    const sbomFile = join(ctx.workDir, 'scan-sbom.json');
    writeFileSync(sbomFile, JSON.stringify(sbom));
    const script = join(CURRENT_BUILD.repo, 'bench', 'lib', 'scan-rss.ts');
    if (!existsSync(script)) throw new SystemError(`${script} is missing`, 'ERR_SCAN');
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, db.path, sbomFile], { encoding: 'utf8', cwd: CURRENT_BUILD.repo, timeout: 300_000 });
    if (r.status !== 0) throw new SystemError(`scan-rss exited ${r.status}: ${r.stderr.slice(0, 2000)}`, 'ERR_SCAN');
    const out = JSON.parse(r.stdout) as { maxRssKiB: number; baselineRssKiB: number; findings: number; ms: number };
    // the daemon that ran the `berth scan` case (it holds the database open, as users' daemons do)
    const daemonKiB = rssKiB((await ctx.berth()).daemon.pid);
    return [
      ...(daemonKiB !== undefined ? [{ name: 'berth daemon RSS after the scan cases', value: daemonKiB / 1024, unit: 'MiB' }] : []),
      { name: `scan peak RSS (VmHWM of a process of its own: node, tsx, the ${n.toLocaleString('en')}-advisory database, ${out.findings} findings)`, value: out.maxRssKiB / 1024, unit: 'MiB', goal: '< 200 MB', note: 'grype and Trivy are not in Debian 12: no reference figure' },
      { name: 'scan RSS above the bare process (node + tsx, before opening the database)', value: (out.maxRssKiB - out.baselineRssKiB) / 1024, unit: 'MiB' },
    ];
  },
};

export const SCAN_CASES: Case[] = [
  sbomCase,
  scanCase,
  importCase(10_000, 200), importCase(30_000, 500), importCase(FULL_ADVISORIES, 2000),
  matchByAdvisoriesCase(1_000, 100), matchByAdvisoriesCase(10_000, 500), matchByAdvisoriesCase(FULL_ADVISORIES, 2000),
  matchByPackagesCase(100, 10), matchByPackagesCase(1_000, 50), matchByPackagesCase(10_000, 200),
];
