/** The scan report formats that are documents (the table is the CLI's), by the names `--format` takes. */
import { InvalidArgumentError } from '../../common/errors.js';
import type { ScanReport } from '../types.js';
import { toJsonReport } from './json.js';
import { toSarif } from './sarif.js';
import { toVex } from './vex.js';

export const SCAN_DOCUMENT_FORMATS = ['json', 'sarif', 'cyclonedx-vex'] as const;
export type ScanDocumentFormat = typeof SCAN_DOCUMENT_FORMATS[number];

export function isScanDocumentFormat(f: string): f is ScanDocumentFormat {
  return (SCAN_DOCUMENT_FORMATS as readonly string[]).includes(f);
}

export function formatScanReport(report: ScanReport, format: string): Record<string, unknown> {
  if (!isScanDocumentFormat(format)) {
    throw new InvalidArgumentError(`unknown report format "${format}": use one of ${SCAN_DOCUMENT_FORMATS.join(', ')}`, 'ERR_SCAN');
  }
  switch (format) {
    case 'json': return toJsonReport(report);
    case 'sarif': return toSarif(report);
    case 'cyclonedx-vex': return toVex(report);
  }
}
