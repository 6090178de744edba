/**
 * SemVer 2.0 orderings, through the `semver` package (npm's own): npm versions as they are; OSV's
 * SEMVER ranges; and Go versions. Go module versions are SemVer with a leading `v`; `+incompatible`
 * is build metadata (ignored for precedence), and pseudo-versions such as
 * `v0.0.0-20191109021931-daa7c04131f5` are SemVer pre-releases, so they order correctly as they are.
 * Go also accepts shorthands that are not SemVer, read as golang.org/x/mod/semver and the Go
 * toolchain read them: `v1.2` = `v1.2.0`, `v1` = `v1.0.0`, and toolchain names `go1.22.4`, `go1.20`
 * (= 1.20.0) and `go1.21rc2` (= 1.21.0-rc.2).
 */
import semver from 'semver';
import type { Ecosystem, VersionOrder } from './types.js';
import { invalidVersion } from './invalid.js';

/** Parses strictly (no loose mode: `1.2`, `=1.2.3` are not SemVer); a leading `v` is allowed where told. */
function parse(ecosystem: Ecosystem, v: string, allowV: boolean): semver.SemVer {
  const text = allowV && /^v\d/.test(v) ? v.slice(1) : v;
  // semver.parse trims white space and takes a `v` or `=`; a version in an advisory has none of them
  const parsed = /^\d/.test(text) && !/\s/.test(text) ? semver.parse(text, { loose: false }) : null;
  if (!parsed) throw invalidVersion(ecosystem, v);
  return parsed;
}

/** A Go version (module or toolchain) as SemVer text, or the input when it is no Go shorthand. */
export function goToSemver(v: string): string {
  const text = v.replace(/^(?:v|go)(?=\d)/, '');
  const short = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (short) return `${short[1]}.${short[2] ?? '0'}.0`;
  const toolchain = /^(\d+)\.(\d+)(?:\.(\d+))?(alpha|beta|rc)(\d+)$/.exec(text);
  if (toolchain) return `${toolchain[1]}.${toolchain[2]}.${toolchain[3] ?? '0'}-${toolchain[4]}.${toolchain[5]}`;
  return text;
}

function semverOrder(ecosystem: Ecosystem, allowV: boolean, rewrite: (v: string) => string = (v) => v): VersionOrder {
  const read = (v: string): semver.SemVer => {
    try {
      return parse(ecosystem, rewrite(v), allowV);
    } catch {
      throw invalidVersion(ecosystem, v);
    }
  };
  return {
    ecosystem,
    compare: (a, b) => semver.compare(read(a), read(b)),
    valid(v) {
      try { read(v); return true; } catch { return false; }
    },
  };
}

export const npmOrder = semverOrder('npm', false);
/** OSV's SEMVER range type; some databases write `v1.2.3`, which we accept. */
export const semverRangeOrder = semverOrder('SemVer', true);
export const goOrder = semverOrder('Go', true, goToSemver);
