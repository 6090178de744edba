/**
 * The dashboard a browser test talks to: a test daemon, the dashboard's server in front of it, Chromium in
 * the server's network namespace, and a place for screenshots (docs/screenshots, committed).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ensureLoopback } from '../registry/helpers.js';
import { startHarness } from './web-harness.js';
import { launchChromium, type TestBrowser } from './web-browser.js';

export const SHOTS = join(REPO, 'docs', 'screenshots');

export interface Dashboard {
  d: TestDaemon;
  url: string;
  browser: TestBrowser;
  newToken(): Promise<string>;
  /** a fresh browser context (its own cookies) at 1280x800 unless told */
  page(opts?: { width?: number; height?: number; dark?: boolean }): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboard(): Promise<Dashboard> {
  ensureLoopback();
  const d = await startDaemon();
  let harness: Awaited<ReturnType<typeof startHarness>> | undefined;
  let browser: TestBrowser | undefined;
  try {
    harness = await startHarness(d.socket);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    const b = browser; const h = harness;
    return {
      d, url: h.url, browser: b,
      newToken: async () => h.newToken(),
      async page(o = {}) {
        const ctx = await b.browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 800 }, colorScheme: o.dark ? 'dark' : 'light' });
        ctx.setDefaultTimeout(20_000);
        return ctx.newPage();
      },
      async shot(page, name) { await page.screenshot({ path: join(SHOTS, `${name}.png`) }); },
      async close() { await b.close(); await h.close(); await d.cleanup(); },
    };
  } catch (e) {
    await browser?.close(); await harness?.close(); await d.cleanup();
    throw e;
  }
}

/** Logs a page in with a fresh token, as a user opening `berth ui`'s address would. */
export async function logIn(dash: Dashboard, page: Page): Promise<void> {
  await page.goto(`${dash.url}/#token=${await dash.newToken()}`);
  await page.waitForSelector('[data-testid=container-list], .empty');
}
