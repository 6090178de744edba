/** the dashboard in a real browser: the container list at 200 containers (ui-web helper) */
import type { Case } from '../lib/types.js';

export const UI_WEB_CASES: Case[] = [];
