/** Minimal leveled logger to stderr; the daemon's output is for operators, not for parsing. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = (process.env.BERTH_LOG_LEVEL as Level) || 'info';

export function setLogLevel(l: Level): void { threshold = l; }

function emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (order[level] < order[threshold]) return;
  const extra = fields ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}${extra}\n`);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => emit('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => emit('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => emit('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => emit('error', m, f),
};

export function debugEnabled(): boolean { return order.debug >= order[threshold]; }

/**
 * Phase timings of one operation (a start, an exit), logged at debug level as one line:
 * `mark('mounted')` records the time since the previous mark. Costs nothing when debug is off.
 */
export class PhaseTimer {
  private last = performance.now();
  private readonly phases: Record<string, number> | null = debugEnabled() ? {} : null;
  constructor(private readonly what: string, private readonly fields: Record<string, unknown> = {}) {}
  mark(phase: string): void {
    if (!this.phases) return;
    const now = performance.now();
    this.phases[phase] = +(now - this.last).toFixed(2);
    this.last = now;
  }
  done(): void { if (this.phases) log.debug(`${this.what} timings`, { ...this.fields, ms: this.phases }); }
}
