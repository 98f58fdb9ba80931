/**
 * The dashboard in a real browser (playwright-core driving Debian's chromium) against a real server:
 * quittance on 127.0.0.1 with its worker, payments made by customers at the Lyra simulator, a shop
 * whose webhook fails at first (so deliveries fail, then a replay succeeds) and one payment the
 * gateway settled for another amount (a conflict). Screenshots of every page go to
 * test/browser/screenshots/ (not committed); the payment timeline is copied to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { resolveConfig } from '../../src/config/load.js';
import { createApiKey } from '../../src/engine/api-keys.js';
import { createPayment } from '../../src/engine/checkout.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { startEngineWorker } from '../../src/engine/runtime.js';
import { createApp } from '../../src/http/app.js';
import { listen, type RunningServer } from '../../src/http/server.js';
import type { Worker } from '../../src/jobs/worker.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { SimulatedPlatform } from '../../src/simulator/platform.js';
import { PLATFORMS } from '../../src/simulator/platforms.js';
import { createStore } from '../../src/store/db.js';
import type { Store } from '../../src/store/dialect.js';
import { listDeliveries } from '../../src/store/repos/deliveries.js';
import { listEvents } from '../../src/store/repos/events.js';
import { findPayment, type PaymentRecord } from '../../src/store/repos/payments.js';
import { newWebhookSecret, startWebhookShop, status, type WebhookShop } from '../e2e/webhook-shop.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'test', 'browser', 'screenshots');
const DOC_SHOT = join(ROOT, 'docs', 'screenshots', 'payment-timeline.png');
const ACCOUNT = 'boutique';
/** Waiting for the worker and the simulator (never a timed assertion: a bound on waiting). */
const PATIENCE_MS = 30_000;

const skip = process.env.QUITTANCE_SKIP_BROWSER === '1';
if (!existsSync(CHROMIUM)) {
  if (skip) {
    console.warn(`\n*** BROWSER TESTS SKIPPED: ${CHROMIUM} is missing and QUITTANCE_SKIP_BROWSER=1 ***\n`);
  } else {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium, as .ci/run does), ` +
        'or set QUITTANCE_SKIP_BROWSER=1 to skip the browser tests knowingly.',
    );
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The browser's getComputedStyle, typed here: the project compiles without the DOM library. */
interface StyleReader {
  getComputedStyle(element: unknown): { display: string };
}

interface Rig {
  readonly url: string;
  readonly engine: Engine;
  readonly key: string;
  readonly paid: PaymentRecord[];
  readonly conflict: PaymentRecord;
  close(): Promise<void>;
}

async function startRig(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'quittance-browser-'));
  const file = join(dir, 'browser.db');
  const shop: WebhookShop = await startWebhookShop();
  shop.answer(status(500, 'shop is down'));
  const platform: SimulatedPlatform = await (PLATFORMS.lyra as NonNullable<(typeof PLATFORMS)['lyra']>)({
    seed: 7,
    timeScale: 0.0005,
  });
  const store: Store = createStore(`sqlite:${file}`);
  let app: ReturnType<typeof createApp> | undefined;
  const server: RunningServer = await listen(
    (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
    '127.0.0.1',
    0,
  );
  const config = resolveConfig({
    database: `sqlite:${file}`,
    logLevel: 'silent',
    worker: { enabled: true, concurrency: 4, pollInterval: '50ms', lease: '10s' },
    // One attempt: a failed delivery stays failed until someone replays it.
    delivery: { schedule: '10ms', maxAttempts: 1, timeout: '5s' },
    accounts: [
      {
        id: ACCOUNT,
        gateway: platform.gateway,
        mode: 'test',
        credentials: { ...platform.credentials },
        shop: {
          successUrl: 'https://shop.example/ok',
          failureUrl: 'https://shop.example/ko',
          pendingUrl: 'https://shop.example/wait',
          webhookUrl: `${shop.base}/hooks`,
          webhookSecret: newWebhookSecret(),
        },
      },
    ],
  });
  const engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
  app = createApp(engine);
  const worker: Worker = startEngineWorker(engine);
  const { key } = await createApiKey(engine, { name: 'ops-browser', scope: 'write', now: new Date() });

  const pay = async (orderRef: string, wrongAmount: boolean) => {
    const created = await createPayment(engine, {
      account: ACCOUNT,
      orderRef,
      amount: { value: 4200, currency: 'EUR' },
    });
    await platform.pay({
      checkout: created.checkout as Parameters<SimulatedPlatform['pay']>[0]['checkout'],
      scenario: 'paid',
      faults: wrongAmount ? [{ kind: 'wrong-amount' }] : [],
      returns: false,
    });
    return created.payment.id;
  };
  const paidIds = [await pay('BROWSER-1001', false), await pay('BROWSER-1002', false)];
  const conflictId = await pay('BROWSER-1003', true);
  await platform.idle();
  const paid = await until('payments captured and their deliveries failed', async () => {
    const rows = await Promise.all(paidIds.map((id) => findPayment(engine.store.db, id)));
    if (!rows.every((p) => p?.status === 'captured')) return undefined;
    const events = await listEvents(engine.store.db, { paymentId: paidIds[0] as string });
    const attempts = await Promise.all(events.map((e) => listDeliveries(engine.store.db, { eventId: e.id })));
    return events.length > 0 && attempts.every((a) => a.length > 0) ? (rows as PaymentRecord[]) : undefined;
  });
  const conflict = await until('the wrong amount flagged', async () => {
    const p = await findPayment(engine.store.db, conflictId);
    return p?.needsReview ? p : undefined;
  });
  // From now on the shop is back: replays succeed.
  shop.answer(status(204));
  return {
    url: server.url,
    engine,
    key,
    paid,
    conflict,
    async close() {
      await worker.stop(5_000);
      await server.close();
      await platform.close();
      await shop.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function shot(page: Page, name: string): Promise<string> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function logIn(page: Page, rig: Rig): Promise<void> {
  await page.goto(`${rig.url}/dashboard`);
  await page.waitForSelector('input[name="key"]');
  await page.fill('input[name="key"]', rig.key);
  await page.click('button[type="submit"]');
  await page.waitForSelector('#payment-rows');
}

describe('dashboard in a browser', { skip: skip && !existsSync(CHROMIUM) }, () => {
  let rig: Rig;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    rig = await startRig();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('logs in, finds a payment by order ref, opens its timeline and replays a failed delivery', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${rig.url}/dashboard`);
    await page.waitForSelector('input[name="key"]');
    await shot(page, 'login');
    await page.fill('input[name="key"]', rig.key);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#payment-rows');
    assert.match((await page.textContent('header.top')) ?? '', /ops-browser/);
    await shot(page, 'payments');

    const target = rig.paid[0] as PaymentRecord;
    await page.fill('#payment-search', target.orderRef);
    await page.press('#payment-search', 'Enter');
    await page.waitForURL(/q=BROWSER-1001/);
    await page.waitForFunction("document.querySelectorAll('#payment-rows tr').length === 1");
    await page.click(`#payment-rows a:has-text("${target.orderRef}")`);
    await page.waitForSelector('#timeline');
    assert.match(page.url(), new RegExp(`/dashboard/payments/${target.id}$`));
    const timeline = (await page.textContent('#timeline')) ?? '';
    assert.match(timeline, /notification/);
    assert.match(timeline, /payment\.captured/);
    assert.match(timeline, /failed/);
    await page.click('#timeline details summary');
    assert.match((await page.textContent('#timeline pre.raw')) ?? '', /POST \/notify\/boutique/);
    const timelineShot = await shot(page, 'payment-timeline');

    const captured = page.locator('li.event', { hasText: 'payment.captured' });
    const attemptsBefore = await captured.locator('li.delivery').count();
    await captured.locator('button:has-text("Replay delivery")').click();
    await page.waitForSelector('.flash-ok');
    assert.match((await page.textContent('.flash-ok')) ?? '', /queued again/);
    await until('the replayed delivery shows', async () => {
      await page.reload();
      const li = page.locator('li.event', { hasText: 'payment.captured' });
      const delivered = await li.locator('li.delivery', { hasText: 'delivered' }).count();
      return delivered > 0 && (await li.locator('li.delivery').count()) === attemptsBefore + 1;
    });
    await shot(page, 'payment-after-replay');
    assert.deepEqual(errors, [], 'no script error in the page');

    // The README's illustration: the first screen of the timeline. Copied into docs/ only when absent or
    // asked (QUITTANCE_UPDATE_SCREENSHOTS=1), so a test run does not rewrite a committed file.
    const small = await page.screenshot({ path: join(SHOTS, 'payment-timeline-doc.png'), fullPage: false });
    assert.ok(small.byteLength < 300_000, `timeline screenshot is ${small.byteLength} bytes`);
    if (!existsSync(DOC_SHOT) || process.env.QUITTANCE_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(dirname(DOC_SHOT), { recursive: true });
      copyFileSync(join(SHOTS, 'payment-timeline-doc.png'), DOC_SHOT);
    }
    assert.ok(statSync(timelineShot).size > 0);
    await context.close();
  });

  it('resolves a conflict: the payment no longer needs review', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await logIn(page, rig);
    await page.click('nav a:has-text("Conflicts")');
    const section = page.locator(`#conflict-${rig.conflict.id}`);
    await section.waitFor();
    assert.match((await section.textContent()) ?? '', /but the order is 42\.00 EUR/);
    await shot(page, 'conflicts');
    await section.locator('select[name="status"]').selectOption('captured');
    await section
      .locator('input[name="reason"]')
      .fill('the gateway settled 42.01, refunded the cent by hand');
    await section.locator('button:has-text("Resolve")').click();
    await page.waitForSelector('.flash-ok');
    assert.equal(await page.locator(`#conflict-${rig.conflict.id}`).count(), 0);
    const stored = await findPayment(rig.engine.store.db, rig.conflict.id);
    assert.equal(stored?.needsReview, false);
    assert.equal(stored?.status, 'captured');
    await page.goto(`${rig.url}/dashboard/payments/${rig.conflict.id}`);
    assert.match((await page.textContent('#timeline')) ?? '', /ops-browser: the gateway settled 42\.01/);
    await context.close();
  });

  it('shows notifications, an entry, and health with drawn charts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await logIn(page, rig);
    await page.click('nav a:has-text("Notifications")');
    await page.waitForSelector('#inbox-rows');
    assert.match((await page.textContent('#inbox-rows')) ?? '', /verified/);
    await shot(page, 'notifications');
    await page.click('#inbox-rows a.mono >> nth=0');
    await page.waitForSelector('#raw-request');
    await shot(page, 'notification');
    await page.click('nav a:has-text("Health")');
    await page.waitForSelector(`#account-${ACCOUNT}`);
    await page.waitForSelector('.uplot canvas');
    assert.equal(await page.locator('.uplot').count(), 2, 'two charts drawn');
    await shot(page, 'health');
    await context.close();
  });

  it('is usable on a 390x844 phone screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await logIn(page, rig);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(overflow <= 390, `the payments page is ${overflow}px wide on a 390px screen`);
    assert.equal(
      await page
        .locator('#payment-rows td[data-label="Order ref"]')
        .first()
        .evaluate((td) => (globalThis as unknown as StyleReader).getComputedStyle(td).display),
      'flex',
      'rows become cards',
    );
    await shot(page, 'payments-phone');
    await page.goto(`${rig.url}/dashboard/payments/${(rig.paid[1] as PaymentRecord).id}`);
    await page.waitForSelector('#timeline');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `the payment page is ${width}px wide on a 390px screen`);
    await shot(page, 'payment-phone');
    await page.goto(`${rig.url}/dashboard/health`);
    await page.waitForSelector(`#account-${ACCOUNT}`);
    await shot(page, 'health-phone');
    await context.close();
  });
});
