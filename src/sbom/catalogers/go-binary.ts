/**
 * Go modules compiled into executables: one package per module in the build info (the main module,
 * each dependency, with `=>` replacements applied as the build used them), plus the standard library
 * as `stdlib` at the Go version that built it (named as syft names it: version `go1.22.4`, purl
 * `pkg:golang/stdlib@1.22.4`, so that OSV's Go advisories for `stdlib` match).
 */
import { PackageURL } from 'packageurl-js';
import type { Cataloger } from '../cataloger.js';
import type { TreeEntry } from '../file-tree.js';
import type { PackageLocation, SbomPackage } from '../types.js';
import { type GoBuildInfo, type GoModule, OldGoBuildInfo, readGoBuildInfo } from './go-buildinfo.js';
import { errorText, languageFiles, locationOf, mergeByPurl, withFileReader } from './lang-common.js';

const NAME = 'go-binary';
/** Executables larger than this are not opened (Go binaries of 1 GB are not a thing). */
const MAX_BINARY_BYTES = 1024 * 1024 * 1024;
/** Without partial reads (a tree with no openFile) the whole file is read: only reasonably small ones. */
const MAX_WHOLE_READ_BYTES = 256 * 1024 * 1024;
const MIN_ELF_BYTES = 64;

export function golangPurl(modulePath: string, version: string): string {
  const slash = modulePath.lastIndexOf('/');
  const namespace = slash > 0 ? modulePath.slice(0, slash) : null;
  const name = slash > 0 ? modulePath.slice(slash + 1) : modulePath;
  return new PackageURL('golang', namespace, name, version || null, null, null).toString();
}

/**
 * A version for a main module the go tool calls `(devel)`: a `-X …version=` in -ldflags (how most
 * projects stamp releases), else a pseudo-version from the VCS settings, else `(devel)` as is.
 */
export function mainModuleVersion(info: GoBuildInfo): string {
  const declared = info.main?.version;
  if (declared && declared !== '(devel)') return declared;
  const ldflags = info.settings.get('-ldflags') ?? '';
  const m = /-X\s*=?\s*['"]?\S*?[./](?:[vV]ersion|gitVersion|buildVersion)=['"]?([^'"\s]+)/.exec(ldflags);
  if (m && /^v?\d/.test(m[1]!)) return m[1]!.startsWith('v') ? m[1]! : `v${m[1]}`;
  const rev = info.settings.get('vcs.revision');
  const time = info.settings.get('vcs.time');
  if (rev && time) {
    const stamp = time.replace(/[-:TZ]/g, '').slice(0, 14);
    if (/^\d{14}$/.test(stamp)) return `v0.0.0-${stamp}-${rev.slice(0, 12)}`;
  }
  return '(devel)';
}

function goPackage(mod: GoModule, version: string, location: PackageLocation, info: GoBuildInfo, extra: Record<string, string>): SbomPackage {
  const metadata: Record<string, string> = { goCompiledVersion: info.goVersion, ...extra };
  const arch = info.settings.get('GOARCH');
  if (arch) metadata.architecture = arch;
  if (mod.sum) metadata.h1Digest = mod.sum;
  return {
    name: mod.path, version, type: 'go-module', purl: golangPurl(mod.path, version), licenses: [],
    locations: [location], ...(arch ? { arch } : {}), metadata,
  };
}

/** The packages that one binary's build info describes. */
export function packagesFromBuildInfo(info: GoBuildInfo, location: PackageLocation): SbomPackage[] {
  const out: SbomPackage[] = [];
  const mainPath = info.main?.path ?? info.path;
  const mainExtra: Record<string, string> = { mainModule: mainPath ?? '' };
  for (const key of ['vcs', 'vcs.revision', 'vcs.time', '-buildmode', 'CGO_ENABLED', 'GOOS']) {
    const v = info.settings.get(key);
    if (v !== undefined) mainExtra[key] = v;
  }
  if (mainPath) {
    const main = info.main?.replace ?? info.main ?? { path: mainPath, version: '' };
    out.push(goPackage(main, mainModuleVersion(info), location, info, mainExtra));
  }
  for (const dep of info.deps) {
    // the build used the replacement: that is the code in the binary. A replacement by a local folder
    // (`=> ../x`, no version) has no module identity of its own: keep the module's path, version (devel).
    const extra: Record<string, string> = { mainModule: mainPath ?? '' };
    if (dep.replace && /^(\.{1,2}\/|\/)/.test(dep.replace.path)) {
      extra.replacedBy = dep.replace.path;
      out.push(goPackage({ path: dep.path, version: '(devel)' }, '(devel)', location, info, extra));
      continue;
    }
    const used = dep.replace ?? dep;
    if (dep.replace) extra.replaces = `${dep.path}@${dep.version}`;
    out.push(goPackage(used, used.version || '(devel)', location, info, extra));
  }
  if (/^go\d/.test(info.goVersion)) {
    const goVersion = info.goVersion.split(/\s/)[0]!; // "go1.22.4 X:boringcrypto" keeps the version only
    out.push({
      name: 'stdlib', version: goVersion, type: 'go-module',
      purl: new PackageURL('golang', null, 'stdlib', goVersion.replace(/^go/, ''), null, null).toString(),
      licenses: ['BSD-3-Clause'], locations: [location], metadata: { goCompiledVersion: info.goVersion },
    });
  }
  return out;
}

/*
 * Files that are never Go executables, known by their path alone: the test below runs on every file
 * of the tree, and looking at a file's mode costs a stat (most of this cataloger's time on an image).
 */
const NOT_BINARY_DIR = /^\/usr\/share\/(?:doc|man|info|locale|zoneinfo|i18n|common-licenses|lintian|fonts|icons|mime|terminfo)\//;
const NOT_BINARY_EXT = /\.(?:gz|xz|bz2|zst|txt|md|rst|html?|css|m?js|cjs|json|xml|ya?ml|toml|svg|png|jpe?g|gif|ico|mo|po|pot|h|hpp|c|cc|py|pyc|pyi|pl|pm|pod|rb|go|java|class|jar|conf|cfg|ini|map|sh|bash|mk|cmake|pc|la|a|o)$/;

function isCandidate(e: TreeEntry): boolean {
  if (e.kind !== 'file' || NOT_BINARY_DIR.test(e.path) || NOT_BINARY_EXT.test(e.path)) return false;
  return (e.mode & 0o111) !== 0 && e.size >= MIN_ELF_BYTES && e.size <= MAX_BINARY_BYTES;
}

const goFiles = languageFiles(isCandidate);

export const goBinaryCataloger: Cataloger = {
  name: NAME,
  async catalog(ctx) {
    const found: SbomPackage[] = [];
    for (const entry of goFiles(ctx.tree)) {
      const warn = (message: string): void => ctx.warn({ path: entry.path, message, ...(entry.layerDigest ? { layerDigest: entry.layerDigest } : {}) });
      try {
        const info = await withFileReader(ctx.tree, entry, MAX_WHOLE_READ_BYTES, (read, size) => readGoBuildInfo(read, size));
        if (info) found.push(...packagesFromBuildInfo(info, locationOf(entry)));
      } catch (err) {
        if (err instanceof OldGoBuildInfo) warn(err.message);
        else warn(`cannot read Go build info: ${errorText(err)}`);
      }
    }
    return mergeByPurl(found);
  },
};
