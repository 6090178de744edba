/**
 * The OSV schema (https://ossf.github.io/osv-schema/, ../shared/specs), the parts the scanner reads.
 * Advisories are stored as they came; these types describe what matching needs.
 */
export interface OsvEvent { introduced?: string; fixed?: string; last_affected?: string; limit?: string }

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvPackage {
  /** `Debian:12`, `Alpine:v3.19`, `npm`, `PyPI`, `Go`, `Maven`, … */
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvAffected {
  package?: OsvPackage;
  ranges?: OsvRange[];
  versions?: string[];
  severity?: OsvSeverity[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity { type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | string; score: string }

export interface OsvAdvisory {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  /** set when the advisory was withdrawn: it matches nothing */
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: Array<{ type: string; url: string }>;
  database_specific?: Record<string, unknown>;
}
