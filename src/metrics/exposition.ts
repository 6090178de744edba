/**
 * Series read at scrape time (cgroup files, the container table, the daemon's own /proc entry) in the
 * Prometheus text format 0.0.4. prom-client keeps what is recorded as it happens (histograms, counters
 * of the daemon's own operations); this small writer exists because prom-client has no way to set a
 * counter to a value read from the kernel (only inc), and building its labelled children anew on every
 * scrape for ~30 series x 100 containers costs more than writing the lines directly.
 */

export type SeriesType = 'counter' | 'gauge';

/** One metric family: its samples are appended as they are read, then written in one block. */
export class Family {
  readonly lines: string[] = [];
  constructor(readonly name: string, readonly help: string, readonly type: SeriesType) {}

  /** `labels`: an already formatted label list (see `labels()`), or '' for none. */
  add(labels: string, value: number): void {
    this.lines.push(labels ? `${this.name}{${labels}} ${formatValue(value)}` : `${this.name} ${formatValue(value)}`);
  }
}

/** The families of one scrape, written in the order they were declared. */
export class Exposition {
  private readonly families: Family[] = [];

  family(name: string, help: string, type: SeriesType): Family {
    const f = new Family(name, help, type);
    this.families.push(f);
    return f;
  }

  /** Families without a sample are left out (as client_golang does). */
  text(): string {
    let out = '';
    for (const f of this.families) {
      if (f.lines.length === 0) continue;
      out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n${f.lines.join('\n')}\n`;
    }
    return out;
  }
}

/** `{a="x",b="y"}` without the braces, values escaped; undefined values are left out. */
export function labels(pairs: Record<string, string | number | undefined>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(pairs)) if (v !== undefined) out.push(`${k}="${escapeLabel(String(v))}"`);
  return out.join(',');
}

/** Append one more label to a formatted list. */
export function withLabel(base: string, key: string, value: string): string {
  const one = `${key}="${escapeLabel(value)}"`;
  return base ? `${base},${one}` : one;
}

export function escapeLabel(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
