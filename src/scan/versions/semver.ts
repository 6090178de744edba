/**
 * SemVer 2.0 orderings, through the `semver` package (npm's own): npm versions as they are; OSV's
 * SEMVER ranges; and Go module versions, which are SemVer with a leading `v`. Go's `+incompatible`
 * is build metadata (ignored for precedence), and pseudo-versions such as
 * `v0.0.0-20191109021931-daa7c04131f5` are SemVer pre-releases, so they order correctly as they are.
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

function semverOrder(ecosystem: Ecosystem, allowV: boolean): VersionOrder {
  return {
    ecosystem,
    compare: (a, b) => semver.compare(parse(ecosystem, a, allowV), parse(ecosystem, b, allowV)),
    valid(v) {
      try { parse(ecosystem, v, allowV); return true; } catch { return false; }
    },
  };
}

export const npmOrder = semverOrder('npm', false);
/** OSV's SEMVER range type; some databases write `v1.2.3`, which we accept. */
export const semverRangeOrder = semverOrder('SemVer', true);
export const goOrder = semverOrder('Go', true);
