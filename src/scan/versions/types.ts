/**
 * Version ordering per ecosystem. Each ecosystem has its own rules (dpkg's epochs and tildes, apk's
 * suffixes, SemVer's pre-releases, PEP 440, Maven's qualifiers), and OSV ranges are evaluated with the
 * ecosystem's own ordering.
 */
export type Ecosystem = 'Debian' | 'Alpine' | 'npm' | 'Go' | 'PyPI' | 'Maven' | 'RPM' | 'SemVer';

export interface VersionOrder {
  ecosystem: Ecosystem;
  /** < 0, 0, > 0 as a is older, equal, newer than b; throws InvalidArgumentError (ERR_VERSION_INVALID) on a version it cannot read */
  compare(a: string, b: string): number;
  /** whether a string is a version of this ecosystem */
  valid(v: string): boolean;
}
