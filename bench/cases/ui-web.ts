/**
 * The dashboard in a real browser: the Containers page of a daemon holding 20, 100 and 200 containers
 * (created, not started: the list draws every state alike), rendered by Debian's headless Chromium.
 * Each iteration reloads the page with its session and reads the Performance API's mark that the page
 * sets when it has drawn the list: navigation start → HTML → bundle → session → /containers/json →
 * rendered rows. berth only: no peer engine ships a dashboard of its own to compare with.
 */
import type { Browser, Page } from 'playwright-core';
import type { Case } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { enginesFor } from '../peers/engine.js';
import { createContainers, engineTool, removeBenchContainers } from './engine-tool.js';
import { launchChromium, type TestBrowser } from '../../test/ui/web-browser.js';

const LONG = 600_000;
const MARK = 'berth:containers-rendered';

function listCase(n: number, smokeN: number): Case {
  let chromium: TestBrowser | undefined;
  let page: Page | undefined;
  return {
    name: `dashboard container list with ${n} containers`,
    description: `The dashboard's Containers page in headless Chromium with ${n} containers (${smokeN} in smoke mode): from the page's navigation start to the list drawn (the page's \`${MARK}\` performance mark), each iteration a reload with the session cookie.`,
    goal: n === 200 ? '< 200 ms (issue 25)' : undefined,
    maxIterations: 20,
    series: (ctx: BenchContext) => ({ name: 'dashboard container list render', size: ctx.size(n, smokeN), unit: 'container' }),
    tools: (ctx) => enginesFor(ctx, ['berth']).filter((k) => k === 'berth').map((k) => engineTool(ctx, k, {
      name: (label) => `${label} dashboard (Chromium)`,
      args: ['ui', '(then the Containers page in Chromium)'],
      async setup(e) {
        await createContainers(e, ctx.size(n, smokeN), LONG);
        // `berth ui` starts the dashboard on a loopback port of the daemon's namespace; Chromium runs there
        const ui = JSON.parse((await e.cli(['ui', '--format', 'json'], LONG)).stdout) as { URL: string };
        chromium = await launchChromium({ netns: e.netns });
        const b: Browser = chromium.browser;
        const context = await b.newContext({ viewport: { width: 1280, height: 800 } });
        context.setDefaultTimeout(60_000);
        page = await context.newPage();
        await page.goto(ui.URL);
        await page.waitForSelector('[data-testid=container-list]');
      },
      async run() {
        const p = page!;
        await p.reload();
        await p.waitForFunction((m) => performance.getEntriesByName(m).length > 0, MARK);
        const { ms, rows } = await p.evaluate((m) => ({
          ms: performance.getEntriesByName(m)[0]!.startTime,
          rows: document.querySelectorAll('[data-testid=container-list] tbody tr').length,
        }), MARK);
        const want = ctx.size(n, smokeN);
        if (rows < want) throw new Error(`the list drew ${rows} rows, expected at least ${want}`);
        return ms;
      },
      async teardown(e) {
        await chromium?.close();
        chromium = undefined; page = undefined;
        await removeBenchContainers(e, LONG);
      },
    })),
  };
}

export const UI_WEB_CASES: Case[] = [listCase(20, 5), listCase(100, 10), listCase(200, 20)];
