/** Human-readable sizes, times and names, as the docker CLI prints them. */
export function bytes(n: number | undefined): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0; let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v < 10 && i > 0 ? v.toFixed(2) : v < 100 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function ago(unixSeconds: number | undefined): string {
  if (!unixSeconds) return '—';
  const s = Math.max(0, Date.now() / 1000 - unixSeconds);
  if (s < 60) return `${Math.round(s)} seconds ago`;
  if (s < 3600) return `${Math.round(s / 60)} minutes ago`;
  if (s < 86400) return `${Math.round(s / 3600)} hours ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
export const name = (names: string[] | undefined): string => (names?.[0] ?? '').replace(/^\//, '');
