/**
 * The host audit: checks modelled on the CIS Docker Benchmark's sections, adapted to berth.
 * IDs keep the CIS numbering (`2.2`, `5.4`) so that people who know the benchmark find their way.
 */
export type AuditStatus = 'PASS' | 'WARN' | 'INFO' | 'NOTE';

export interface AuditFinding {
  /** CIS-style ID, e.g. `5.4` */
  id: string;
  /** the CIS section: 1 host configuration, 2 daemon configuration, 3 daemon files, 4 images, 5 container runtime, 6 operations */
  section: number;
  title: string;
  status: AuditStatus;
  /** what was found (per object: the container or image it concerns) */
  details?: string;
  /** the container or image name/ID, the file path */
  target?: string;
  remediation?: string;
}

export interface AuditReport {
  findings: AuditFinding[];
  /** checks that could not run (an unreadable file): reported, and the rest continues */
  errors: Array<{ id: string; message: string }>;
  created: string;
}
