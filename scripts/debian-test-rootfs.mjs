// The Debian root filesystem tar that `berth image bootstrap debian` imports (the same mmdebstrap call,
// from the built product), written to the path given. scripts/test.sh runs it before the suite enters its
// network namespace, where no mirror is reachable; the SBOM and scan tests import the tar
// (BERTH_TEST_DEBIAN_TAR). Written to a temporary name and renamed, so a failed run leaves nothing.
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dest = process.argv[2];
if (!dest) { console.error('usage: debian-test-rootfs.mjs DEST.tar'); process.exit(2); }
const { mmdebstrapTar, hostDebianSources } = await import(new URL('../dist/image/bootstrap.js', import.meta.url).href);
const sources = hostDebianSources();
if (sources.length === 0) { console.error('no bookworm mirror in /etc/apt/sources.list(.d)'); process.exit(1); }
mkdirSync(dirname(dest), { recursive: true });
const tmp = `${dest}.${process.pid}.tmp`;
try {
  await pipeline(mmdebstrapTar(sources), createWriteStream(tmp));
  renameSync(tmp, dest);
} catch (e) {
  rmSync(tmp, { force: true });
  console.error(`mmdebstrap failed: ${e.message}`);
  process.exit(1);
}
