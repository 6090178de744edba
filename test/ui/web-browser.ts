/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for the dashboard's tests and
 * its benchmark. Chromium runs in the network namespace of the server it talks to (the test daemon's,
 * through nsenter), with a fresh profile and none of its background connections.
 */
import { mkdtempSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface TestBrowser { browser: Browser; close(): Promise<void> }

export async function launchChromium(opts: { netns?: string } = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (scripts/install-deps.sh --test)`);
  const dir = mkdtempSync('/tmp/berth-chromium-');
  let executablePath = CHROMIUM;
  if (opts.netns) {
    // playwright talks to Chromium over a pipe, so nsenter in between changes nothing but the network
    executablePath = join(dir, 'chromium-in-netns');
    writeFileSync(executablePath, `#!/bin/sh\nexec nsenter --net=/run/netns/${opts.netns} ${CHROMIUM} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    // launch() gives Chromium a fresh --user-data-dir of its own (and refuses one in args)
  });
  return {
    browser,
    async close() { await browser.close().catch(() => undefined); rmSync(dir, { recursive: true, force: true }); },
  };
}
