/** the dashboard's server: first load, bundle size, the daemon's cost for one open dashboard (ui-server helper) */
import type { Case } from '../lib/types.js';

export const UI_CASES: Case[] = [];
