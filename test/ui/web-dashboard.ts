/**
 * The dashboard a browser test talks to: a test daemon serving it (`berth serve --ui`, the page built
 * into dist/ui by `npm run build`), Chromium in the daemon's network namespace (where the dashboard's
 * loopback port is), and a place for screenshots (docs/screenshots, committed).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { launchChromium, type TestBrowser } from './web-browser.js';

export const SHOTS = join(REPO, 'docs', 'screenshots');
/** inside the daemon's own network namespace, so a fixed port collides with nothing */
const UI_ADDR = '127.0.0.1:9000';

export interface Dashboard {
  d: TestDaemon;
  url: string;
  browser: TestBrowser;
  /** a one-time login token, as `berth ui` prints in its URL */
  newToken(): Promise<string>;
  /** a fresh browser context (its own cookies) at 1280x800 unless told */
  page(opts?: { width?: number; height?: number; dark?: boolean }): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboard(): Promise<Dashboard> {
  if (!existsSync(join(REPO, 'dist', 'ui', 'index.html'))) throw new Error('dist/ui/index.html is missing: run `npm run build` first');
  const d = await startDaemon({ extraArgs: ['--ui', UI_ADDR] });
  let browser: TestBrowser | undefined;
  try {
    browser = await launchChromium({ netns: d.netns });
    mkdirSync(SHOTS, { recursive: true });
    const b = browser;
    return {
      d, url: `http://${UI_ADDR}`, browser: b,
      async newToken() {
        const r = await d.api('POST', '/berth/ui/session-token');
        if (r.status !== 201) throw new Error(`no dashboard token: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body.Token as string;
      },
      async page(o = {}) {
        const ctx = await b.browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 800 }, colorScheme: o.dark ? 'dark' : 'light' });
        ctx.setDefaultTimeout(20_000);
        return ctx.newPage();
      },
      async shot(page, name) { await page.screenshot({ path: join(SHOTS, `${name}.png`) }); },
      async close() { await b.close(); await d.cleanup(); },
    };
  } catch (e) {
    await browser?.close(); await d.cleanup();
    throw e;
  }
}

/** Logs a page in with a fresh token, as a user opening `berth ui`'s address would. */
export async function logIn(dash: Dashboard, page: Page): Promise<void> {
  await page.goto(`${dash.url}/#token=${await dash.newToken()}`);
  await page.waitForSelector('[data-testid=container-list], .empty');
}
