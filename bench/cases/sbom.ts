/**
 * Benchmark cases of berth sbom: the SBOM of the Debian image (the goal: under 1 s) through
 * the CLI and through the API, and how the cost grows with the number of packages (synthetic images
 * whose dpkg database lists 100, 1,000 and 10,000 packages). No peer: Debian 12 ships no SBOM tool
 * (syft and Trivy are not packaged).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest } from '../../test/helpers/daemon.js';
import { SystemError } from '../../src/common/errors.js';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { timedSpawnOk } from '../lib/proc.js';
import type { Engine } from '../peers/engine.js';
import { engineTool } from './engine-tool.js';

const DEBIAN_IMAGE = 'debian:bookworm';
const LONG = 600_000;

/**
 * debian:bookworm in berth, made by mmdebstrap outside the daemon's namespace (which has no route to a
 * mirror), as the build cases make it; the same shared archive, so a run makes it once.
 */
async function loadDebian(ctx: BenchContext, e: Engine): Promise<void> {
  const archive = await ctx.shared('archive:debian', async () => {
    const berth = await ctx.berth();
    ctx.log('building debian:bookworm with mmdebstrap (untimed; minutes)');
    const rootfs = join(ctx.workDir, 'debian-rootfs.tar');
    await timedSpawnOk('mmdebstrap', ['--variant=minbase', '--mode=root', '--format=tar', '--quiet', 'bookworm', rootfs], { timeoutMs: 1_800_000 });
    await berth.cli(['import', '-c', 'CMD ["bash"]', rootfs, DEBIAN_IMAGE], LONG);
    const file = join(ctx.workDir, 'debian.tar');
    await berth.cli(['save', '-o', file, DEBIAN_IMAGE], LONG);
    return file;
  });
  await e.cli(['load', '-i', archive], LONG);
}

/** An image whose dpkg status file lists `n` installed packages (and an os-release), imported into berth. */
async function loadSynthetic(ctx: BenchContext, e: Engine, n: number): Promise<string> {
  const ref = `berth-bench-sbom:${n}`;
  const archive = await ctx.shared(`archive:sbom-${n}`, async () => {
    const root = join(ctx.workDir, `sbom-rootfs-${n}`);
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    const stanzas = Array.from({ length: n }, (_, i) => [
      `Package: pkg${i}`, 'Status: install ok installed', 'Priority: optional', 'Section: libs', 'Installed-Size: 100',
      'Maintainer: Bench <bench@example.org>', 'Architecture: amd64', `Source: src${Math.floor(i / 3)} (1.${i % 7}-1)`,
      `Version: 1.${i % 7}-1+b${i % 3}`, 'Depends: libc6 (>= 2.34)', `Description: package ${i}`, ' A synthetic package.', '',
    ].join('\n')).join('\n');
    writeFileSync(join(root, 'var/lib/dpkg/status'), stanzas);
    const file = join(ctx.workDir, `sbom-${n}.tar`);
    await timedSpawnOk('tar', ['-C', root, '-cf', file, '.'], { timeoutMs: LONG });
    return file;
  });
  await e.cli(['import', archive, ref], LONG);
  return ref;
}

async function timedSbom(e: Engine, image: string, packages?: number): Promise<number> {
  const t = performance.now();
  const r = await apiRequest(e.socket!, 'GET', `/berth/images/${encodeURIComponent(image)}/sbom`);
  const ms = performance.now() - t;
  if (r.status !== 200) throw new SystemError(`GET sbom of ${image} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  if (packages !== undefined && r.body.packages.length !== packages) {
    throw new SystemError(`the SBOM of ${image} lists ${r.body.packages.length} packages, not ${packages}`);
  }
  return ms;
}

function debianTools(ctx: BenchContext): Tool[] {
  const image = () => (ctx.options.smoke ? 'berth-bench-sbom:100' : DEBIAN_IMAGE);
  const setup = async (e: Engine) => { if (ctx.options.smoke) await loadSynthetic(ctx, e, 100); else await loadDebian(ctx, e); };
  return [
    engineTool(ctx, 'berth', {
      name: (l) => `${l} (CLI)`,
      args: ['sbom', DEBIAN_IMAGE, '--format', 'json'],
      setup,
      run: async (e) => (await e.cli(['sbom', image(), '--format', 'json'], LONG)).ms,
    }),
    engineTool(ctx, 'berth', {
      name: (l) => `${l} (API)`,
      args: [`  (GET /berth/images/${DEBIAN_IMAGE}/sbom)`],
      setup,
      run: (e) => timedSbom(e, image()),
    }),
  ];
}

const sbomDebianCase: Case = {
  name: 'sbom of debian:bookworm',
  description: 'The SBOM (berth\'s JSON model) of debian:bookworm as mmdebstrap --variant=minbase makes it (about 100 dpkg packages), through the CLI (spawn to exit) and the API (request to answer); a synthetic image of 100 packages in smoke mode.',
  goal: 'under 1 s (issue 19)',
  tools: debianTools,
};

function packagesCase(n: number, smokeN: number): Case {
  return {
    name: `sbom of an image of ${n} packages`,
    description: `GET /berth/images/<image>/sbom of an image whose dpkg status file lists ${n} installed packages (${smokeN} in smoke mode): the cost per package of reading and cataloguing a database.`,
    series: (ctx) => ({ name: 'sbom by number of packages', size: ctx.size(n, smokeN), unit: 'package' }),
    tools: (ctx) => {
      const size = ctx.size(n, smokeN);
      let ref = '';
      return [engineTool(ctx, 'berth', {
        args: [`  (GET /berth/images/berth-bench-sbom:${size}/sbom)`],
        async setup(e) { ref = await loadSynthetic(ctx, e, size); },
        run: (e) => timedSbom(e, ref, size),
      })];
    },
  };
}

export const SBOM_CASES: Case[] = [sbomDebianCase, packagesCase(100, 10), packagesCase(1000, 100), packagesCase(10_000, 1000)];
