/**
 * How advisories are indexed: by the ecosystem without its release (`Debian:12` → `Debian`) and the
 * package name as the ecosystem compares names. The matcher computes the same key for an installed
 * package, so both sides must use these functions.
 */

/** `Debian:12` → `Debian`, `Alpine:v3.19` → `Alpine`, `npm` → `npm`. */
export function ecosystemBase(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i < 0 ? ecosystem : ecosystem.slice(0, i);
}

/**
 * A package name as its ecosystem compares names: PyPI's normalised form (PEP 503: case-insensitive,
 * runs of `-_.` are one `-`); npm names are lowercase already; the rest compare exactly.
 */
export function packageKey(base: string, name: string): string {
  if (base === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name;
}
