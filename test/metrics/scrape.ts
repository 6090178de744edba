/** Test helpers: scrape and query inside a test daemon's network namespace, parse the text format. */
import { spawnSync } from 'node:child_process';

/** curl inside the namespace (the daemon's metrics listener is on its own loopback). */
export function curlIn(netns: string, url: string): { code: number; body: string } {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sS', '--max-time', '20', '-w', '\n%{http_code}', url], { encoding: 'utf8', timeout: 30_000 });
  const out = r.stdout ?? '';
  const nl = out.lastIndexOf('\n');
  if (r.status !== 0) return { code: 0, body: (r.stderr ?? '') + out };
  return { code: Number(out.slice(nl + 1)), body: out.slice(0, nl) };
}

export interface Sample { name: string; labels: Record<string, string>; value: number }

/** The samples of a text-format scrape (enough of the format for berth's own output). */
export function parseText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The one sample of `name` whose labels include `want`; fails unless exactly one matches. */
export function one(samples: Sample[], name: string, want: Record<string, string> = {}): Sample {
  const hits = samples.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v));
  if (hits.length !== 1) throw new Error(`${hits.length} samples of ${name} ${JSON.stringify(want)}: ${JSON.stringify(hits.slice(0, 3))}`);
  return hits[0];
}
