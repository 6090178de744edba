/**
 * The dashboard in a real browser (headless Chromium) against a real daemon: log in with the token, run a
 * container from the page, follow its logs, type in its terminal, watch its stats, stop and remove it, pull
 * from berth's registry with per-layer progress, the engine's error on a failed action, the banner on a lost
 * connection, and refusals without a token or with a forged CSRF token. Screenshots go to docs/screenshots.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { UI_CSRF_HEADER } from '../../src/ui/contract.js';
import { serveRegistry, type Peer } from '../registry/peers.js';
import { logIn, openDashboard, type Dashboard } from './web-dashboard.js';

let dash: Dashboard;
let page: Page;
let cid = '';
/** what the browser refused under the page's CSP: nothing, the page has no inline script or style */
const cspErrors: string[] = [];
/** a PID 1 that ends on SIGTERM (a plain sleep ignores it and stop waits 10 s for the kill) */
const STOPPABLE = 'trap "exit 0" TERM; sleep 300 & wait';

before(async () => {
  dash = await openDashboard();
  await dash.d.ok(['image', 'bootstrap', 'busybox'], { timeoutMs: 120_000 });
  page = await dash.page();
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
});
after(async () => { await dash?.close(); });

test('without a token the page asks for a sign-in and the engine answers 401', async () => {
  const p = await dash.page();
  await p.goto(`${dash.url}/`);
  await p.getByTestId('login-needed').waitFor();
  const r = await p.evaluate(async () => (await fetch('/engine/containers/json')).status);
  assert.equal(r, 401);
  // a made-up token is refused too
  await p.goto(`${dash.url}/#token=not-a-token`);
  await p.reload();
  await p.getByTestId('login-needed').waitFor();
  await dash.shot(p, 'login-needed');
  await p.context().close();
});

test('the URL `berth ui` prints logs in, leaves the address bar, and a reload keeps the session', async () => {
  const url = (await dash.d.ok(['ui'])).trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:9000\/#token=/);
  await page.goto(url);
  await page.getByTestId('container-list').or(page.locator('.empty')).first().waitFor();
  assert.doesNotMatch(page.url(), /token=/);
  await page.reload();
  await page.getByTestId('container-list').or(page.locator('.empty')).first().waitFor();
  assert.equal(await page.getByTestId('login-needed').count(), 0);
});

test('a forged CSRF header is refused; the page\'s own requests carry the right one', async () => {
  const forged = await page.evaluate(async (h) => (await fetch('/engine/containers/prune', { method: 'POST', headers: { [h]: 'forged' } })).status, UI_CSRF_HEADER);
  assert.equal(forged, 403);
  const none = await page.evaluate(async () => (await fetch('/engine/containers/prune', { method: 'POST' })).status);
  assert.equal(none, 403);
});

test('run a container from the page and see it running', async () => {
  await page.goto(`${dash.url}/#/containers`);
  const form = page.getByRole('form', { name: 'Run a container' });
  await form.getByLabel('Image').fill('busybox');
  await form.getByLabel('Name').fill('web-demo');
  await form.getByLabel('Command').fill(`sh -c 'trap "exit 0" TERM; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.3; done'`);
  await form.getByRole('button', { name: 'Run' }).click();
  const row = page.locator('[data-testid=container-list] tr[data-name=web-demo]');
  await row.waitFor();
  await page.locator('tr[data-name=web-demo][data-state=running]').waitFor();
  cid = (await dash.d.ok(['inspect', '-f', '{{.Id}}', 'web-demo'])).trim();
  assert.match(cid, /^[a-f0-9]{64}$/);
  // live CPU and memory in the list
  await page.locator('tr[data-name=web-demo] [data-testid=mem]').getByText(/\d( \w)?B$/).waitFor();
  await dash.shot(page, 'containers');
});

test('follow the logs as lines arrive, search them', async () => {
  await page.goto(`${dash.url}/#/containers/${cid}/logs`);
  const view = page.getByTestId('log-view');
  await view.getByText('tick-3', { exact: true }).waitFor();
  const n = (s: string) => Number(/(\d+) lines/.exec(s)?.[1] ?? 0);
  const first = n(await page.getByTestId('log-count').innerText());
  // new lines arrive while the page follows
  await page.waitForFunction((f) => Number(/(\d+) lines/.exec(document.querySelector('[data-testid=log-count]')?.textContent ?? '')?.[1] ?? 0) >= f + 5, first);
  await dash.shot(page, 'container-logs');
  await page.getByLabel('Search').fill('tick-2');
  await page.waitForFunction(() => /matching/.test(document.querySelector('[data-testid=log-count]')?.textContent ?? ''));
  const shown = await view.locator('.log-line').allInnerTexts();
  assert.ok(shown.length >= 1 && shown.every((l) => l.includes('tick-2')), shown.join('|'));
  await page.getByLabel('Timestamps').check();
  assert.match(await view.locator('.log-line .ts').first().innerText(), /^\d{4}-\d\d-\d\dT/);
});

test('type a command in the terminal and read its output', async () => {
  await page.goto(`${dash.url}/#/containers/${cid}/terminal`);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByTestId('terminal-status').getByText('connected').waitFor();
  await page.locator('.xterm-rows').getByText('#').first().waitFor();
  await page.keyboard.type('echo answer-$((6*7))\n');
  await page.locator('.xterm-rows').getByText('answer-42', { exact: true }).waitFor();
  // xterm.js's own rules apply (its cursor and row styles) without the CSP refusing anything
  assert.deepEqual(cspErrors, []);
  assert.ok(await page.evaluate(() => document.adoptedStyleSheets.length > 0));
  await dash.shot(page, 'container-terminal');
});

test('the stats charts move', async () => {
  await page.goto(`${dash.url}/#/containers/${cid}/stats`);
  const cpu = page.getByTestId('chart-CPU');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-CPU]')?.getAttribute('data-samples')) >= 2);
  const a = Number(await cpu.getAttribute('data-samples'));
  await page.waitForFunction((x) => Number(document.querySelector('[data-testid=chart-CPU]')?.getAttribute('data-samples')) > x + 1, a, { timeout: 15_000 });
  assert.match(await page.getByTestId('stats-summary').innerText(), /CPU \d+\.\d+% · memory/);
  // uPlot drew on its canvas
  assert.equal(await page.locator('[data-testid=chart-CPU] canvas').count(), 1);
  await dash.shot(page, 'container-stats');
});

test('overview, processes and changes read as pages', async () => {
  await page.goto(`${dash.url}/#/containers/${cid}/inspect`);
  await page.getByText('Restart policy').waitFor();
  await dash.shot(page, 'container-overview');
  await page.goto(`${dash.url}/#/containers/${cid}/top`);
  await page.getByTestId('top').getByText('sleep', { exact: false }).first().waitFor();
  await dash.shot(page, 'container-processes');
});

test('stop and remove it from the page', async () => {
  await page.goto(`${dash.url}/#/containers/${cid}`);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByTestId('container-state').getByText('paused').waitFor();
  await page.getByRole('button', { name: 'Unpause' }).click();
  await page.getByTestId('container-state').getByText('running').waitFor();
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByTestId('container-state').getByText('exited').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Remove' }).click();
  // removed, the page goes back to the list, which no longer has it
  await page.waitForURL(/#\/containers$/);
  await page.getByText(/^No containers yet/).waitFor();
  assert.equal((await dash.d.api('GET', `/containers/${cid}/json`)).status, 404);
});

test('a long log stays responsive: few rows in the page, the oldest lines dropped past the bound', async () => {
  const id = (await dash.d.ok(['run', '-d', '--name', 'chatty', 'busybox', 'sh', '-c', `seq 1 30000; trap "exit 0" TERM; sleep 300 & wait`])).trim();
  try {
    await waitForLogs(id, '30000');
    await page.goto(`${dash.url}/#/containers/${id}/logs`);
    await page.getByLabel('Tail').selectOption('all');
    await page.getByTestId('log-count').getByText(/^20000 lines, 10000 older dropped/).waitFor({ timeout: 60_000 });
    await page.getByTestId('log-view').getByText('30000', { exact: true }).waitFor();
    // virtualised: only the rows near the view are in the document
    assert.ok(await page.locator('.log-line').count() < 200);
    // and the search still answers at once over what is kept
    await page.getByLabel('Search').fill('29999');
    await page.getByTestId('log-count').getByText(/^1 lines matching/).waitFor({ timeout: 5000 });
    // the user scrolls up to read: new lines no longer pull the view down
    await page.getByLabel('Search').fill('');
    await page.getByTestId('log-count').getByText(/^20000 lines, /).waitFor({ timeout: 5000 });
    await page.getByTestId('log-view').evaluate((el) => { el.scrollTop = 0; });
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('log-view').evaluate((el) => el.scrollTop), 0);
  } finally {
    await dash.d.ok(['rm', '-f', id]);
  }
});

async function waitForLogs(id: string, last: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await dash.d.berth(['logs', '--tail', '1', id]);
    if (r.stdout.trim() === last) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`the container's log never reached ${last}`);
}

test('a failed action shows the engine\'s message', async () => {
  await page.goto(`${dash.url}/#/containers`);
  const form = page.getByRole('form', { name: 'Run a container' });
  await form.getByLabel('Image').fill('no-such-image-here:v9');
  await form.getByLabel('Name').fill('');
  await form.getByLabel('Command').fill('');
  await form.getByRole('button', { name: 'Run' }).click();
  const bar = page.getByTestId('error-bar');
  await bar.waitFor();
  const engineMessage = (await dash.d.api('POST', '/containers/create', { Image: 'no-such-image-here:v9' })).body.message as string;
  assert.ok(engineMessage, 'the engine has a message of its own');
  assert.ok((await bar.innerText()).includes(engineMessage), `${await bar.innerText()} / ${engineMessage}`);
  await page.getByRole('button', { name: 'Dismiss the error' }).click();
});

test('pull an image from berth\'s registry and watch the per-layer progress', async () => {
  const dir = mkdtempSync('/tmp/berth-ui-reg-');
  let reg: Peer | undefined;
  try {
    reg = await serveRegistry(dash.d.netns, join(dir, 'registry'), '127.0.0.1:5000');
    const ref = '127.0.0.1:5000/ui/busybox:v1';
    await dash.d.ok(['tag', 'busybox', ref]);
    await dash.d.ok(['push', ref]);
    await dash.d.ok(['rmi', ref]);
    // the layer must really come over the wire: drop the local copy the tag shared
    await dash.d.ok(['rmi', 'busybox']);
    await page.goto(`${dash.url}/#/images`);
    const form = page.getByRole('form', { name: 'Pull an image' });
    await form.getByLabel('Image reference').fill(ref);
    await form.getByRole('button', { name: 'Pull' }).click();
    const progress = page.getByTestId('pull-progress');
    await progress.locator('.layer[data-status="Pull complete"]').first().waitFor({ timeout: 60_000 });
    assert.ok(await progress.locator('.layer').count() >= 1);
    await progress.getByText(/Status: Downloaded newer image/).waitFor();
    await page.getByTestId('image-list').getByText(ref).waitFor();
    await dash.shot(page, 'images-pull');
    await page.getByTestId('image-list').getByRole('link', { name: ref }).click();
    await page.getByTestId('history').waitFor();
    // berth's own SBOM and scan endpoints, from the page
    await page.getByRole('button', { name: 'Make the SBOM' }).click();
    await page.getByTestId('sbom').or(page.getByText(/^No packages found/)).first().waitFor({ timeout: 60_000 });
    // this daemon has no advisory database: the engine refuses to scan against nothing, and the page says so
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    await page.getByTestId('error-bar').getByText(/scan: the vulnerability database is empty/).waitFor({ timeout: 60_000 });
    await dash.shot(page, 'image-detail');
    // back as busybox for what follows; then the pulled tag removed from the page (an untag: busybox stays)
    await dash.d.ok(['tag', ref, 'busybox']);
    await page.goto(`${dash.url}/#/images`);
    const row = page.getByTestId('image-list').locator('tr', { hasText: ref });
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await dash.d.api('GET', `/images/${encodeURIComponent(ref)}/json`)).status, 404);
    assert.equal((await dash.d.api('GET', '/images/busybox/json')).status, 200);
  } finally {
    reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('networks, volumes, compose projects, events and system pages', async () => {
  await dash.d.ok(['network', 'create', 'ui-net']);
  await dash.d.ok(['volume', 'create', 'ui-data']);
  await dash.d.ok(['run', '-d', '--name', 'shop-web-1', '--network', 'ui-net', '-v', 'ui-data:/data', '--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=web', 'busybox', 'sh', '-c', STOPPABLE]);
  await dash.d.ok(['run', '-d', '--name', 'shop-db-1', '--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=db', 'busybox', 'sh', '-c', STOPPABLE]);
  await page.goto(`${dash.url}/#/networks`);
  await page.getByTestId('network-list').locator('tr', { hasText: 'ui-net' }).getByRole('link', { name: 'shop-web-1' }).waitFor();
  // create and remove from the page
  const netForm = page.getByRole('form', { name: 'Create a network' });
  await netForm.getByLabel('Name').fill('made-on-page');
  await netForm.getByLabel('Subnet').fill('10.89.7.0/24');
  await netForm.getByRole('button', { name: 'Create' }).click();
  const madeNet = page.getByTestId('network-list').locator('tr', { hasText: 'made-on-page' });
  await madeNet.getByText('10.89.7.0/24').waitFor();
  await dash.shot(page, 'networks');
  await madeNet.getByRole('button', { name: 'Remove' }).click();
  await madeNet.waitFor({ state: 'detached' });
  assert.equal((await dash.d.api('GET', '/networks/made-on-page')).status, 404);
  await page.goto(`${dash.url}/#/volumes`);
  await page.getByTestId('volume-list').locator('tr', { hasText: 'ui-data' }).getByRole('link', { name: 'shop-web-1' }).waitFor();
  const volForm = page.getByRole('form', { name: 'Create a volume' });
  await volForm.getByLabel('Name').fill('vol-made-on-page');
  await volForm.getByRole('button', { name: 'Create' }).click();
  const madeVol = page.getByTestId('volume-list').locator('tr', { hasText: 'vol-made-on-page' });
  await madeVol.waitFor();
  await dash.shot(page, 'volumes');
  await madeVol.getByRole('button', { name: 'Remove' }).click();
  await madeVol.waitFor({ state: 'detached' });
  // a volume in use cannot go: the engine's refusal is shown
  await page.getByTestId('volume-list').locator('tr', { hasText: 'ui-data' }).getByRole('button', { name: 'Remove' }).click();
  await page.getByTestId('error-bar').getByText(/remove volume ui-data: .*in use/i).waitFor();
  await page.getByRole('button', { name: 'Dismiss the error' }).click();
  await page.goto(`${dash.url}/#/compose`);
  const shop = page.getByRole('article', { name: 'Project shop' });
  await shop.getByText('2/2 running').waitFor();
  await dash.shot(page, 'compose');
  await shop.getByRole('button', { name: 'Stop' }).click();
  await shop.getByText('0/2 running').waitFor({ timeout: 30_000 });
  await shop.getByRole('button', { name: 'Restart' }).click();
  await shop.getByText('2/2 running').waitFor({ timeout: 30_000 });
  // down: the project's containers go (the volume stays, as with compose down)
  await shop.getByRole('button', { name: 'Down' }).click();
  await shop.waitFor({ state: 'detached', timeout: 30_000 });
  for (const n of ['shop-web-1', 'shop-db-1']) assert.equal((await dash.d.api('GET', `/containers/${n}/json`)).status, 404);
  await dash.d.ok(['run', '-d', '--name', 'keeper', 'busybox', 'sh', '-c', STOPPABLE]);
  await page.goto(`${dash.url}/#/events`);
  await page.getByTestId('event-list').getByText('die').first().waitFor();
  // live: an event that happens while the page is open
  await dash.d.ok(['volume', 'create', 'ui-live']);
  await page.getByTestId('event-list').getByText('ui-live').waitFor();
  await dash.shot(page, 'events');
  await page.goto(`${dash.url}/#/system`);
  await page.getByTestId('disk-usage').getByText('Images').waitFor();
  await page.getByText('Storage driver').waitFor();
  await dash.shot(page, 'system');
});

test('phone-sized and dark', async () => {
  const phone = await dash.page({ width: 390, height: 844 });
  await logIn(dash, phone);
  await phone.locator('tr[data-name=keeper]').waitFor();
  // no horizontal scrolling of the page itself
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1));
  // every control has a name a screen reader can say
  const unnamed = await phone.evaluate(() => [...document.querySelectorAll('input, select, button, a')].filter((el) => {
    const e = el as HTMLInputElement;
    return !((e.labels?.length ?? 0) > 0 || e.getAttribute('aria-label') || (e.textContent ?? '').trim());
  }).map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  // the keyboard reaches the pages: the first Tab lands on the skip link, then the page links
  await phone.keyboard.press('Tab');
  assert.equal(await phone.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await phone.keyboard.press('Tab');
  assert.equal(await phone.evaluate(() => document.activeElement?.textContent), 'Containers');
  await dash.shot(phone, 'containers-phone');
  await phone.context().close();
  const dark = await dash.page({ dark: true });
  await logIn(dash, dark);
  await dark.locator('tr[data-name=keeper]').waitFor();
  await dash.shot(dark, 'containers-dark');
  await dark.context().close();
});

test('a lost daemon shows a banner, and the page comes back', async () => {
  await page.goto(`${dash.url}/#/containers`);
  await page.locator('tr[data-name=keeper]').waitFor();
  await dash.d.crash();
  await page.getByTestId('connection-lost').waitFor({ timeout: 20_000 });
  await dash.shot(page, 'connection-lost');
  await dash.d.restart();
  // back: the banner goes; a server that lost its sessions with it asks for a new sign-in instead
  await page.waitForFunction(() => !document.querySelector('[data-testid=connection-lost]'), undefined, { timeout: 30_000 });
  if (await page.getByTestId('login-needed').count() === 0) await page.locator('tr[data-name=keeper]').waitFor();
});
