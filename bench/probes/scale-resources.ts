/**
 * Daemon RSS and CPU with N running containers (10, 100, 1,000), idle and with 1 s health checks,
 * against dockerd + containerd in the same run. Filled in by issue 27's scale work.
 */
import type { Probe } from '../lib/types.js';

export const scaleResourcesProbe: Probe = {
  name: 'scale resources',
  async measure() { return []; },
};
