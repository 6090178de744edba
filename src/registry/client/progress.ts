/**
 * Progress of pulls and pushes as Docker's JSON messages ({status, id, progressDetail,
 * progress}), which the docker CLI and berth's CLI draw as per-layer bars.
 */
import type { ErrorCode } from '../../common/errors.js';

export interface Progress {
  status(status: string, id?: string): void;
  layer(id: string, status: string): void;
  bytes(id: string, status: string, current: number, total: number): void;
}

export type JsonMessage = { status?: string; id?: string; progressDetail?: { current?: number; total?: number }; progress?: string; error?: string; stream?: string; errorDetail?: { message: string }; code?: ErrorCode; aux?: unknown };

/** Docker's progress bar text: "[=====>        ]  1.2MB/3.4MB" */
function progressBar(current: number, total: number): string {
  const width = 50;
  const pct = total > 0 ? Math.min(1, current / total) : 0;
  const filled = Math.floor(pct * width);
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (pct >= 1 ? '=' : '>') : '') + ' '.repeat(width - filled);
  return `[${bar}] ${humanBytes(current)}/${humanBytes(total)}`;
}

function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 3 : v < 100 ? 2 : 1).replace(/\.?0+$/, '')}${units[i]}`;
}

export function jsonProgress(write: (m: JsonMessage) => void): Progress {
  return {
    status: (status, id) => write(id ? { status, id } : { status }),
    layer: (id, status) => write({ status, progressDetail: {}, id }),
    bytes: (id, status, current, total) => write({ status, progressDetail: { current, total }, progress: progressBar(current, total), id }),
  };
}
