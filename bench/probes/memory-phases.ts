/**
 * The daemon's heap and RSS by phase: right after start, after 100 runs, with 100 running, after a
 * pull. Filled in by issue 27's daemon-memory work.
 */
import type { Probe } from '../lib/types.js';

export const memoryPhasesProbe: Probe = {
  name: 'memory by phase',
  async measure() { return []; },
};
