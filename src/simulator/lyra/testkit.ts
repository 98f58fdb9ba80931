/**
 * Test support (not part of the public API): a tiny merchant that records what the platform sends
 * and answers as told, and a builder for signed checkout forms.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TestContext } from 'node:test';
import { decodeForm, formToRecord } from '../../gateways/_shared/form-codec.js';
import { isLyraSignatureValid, lyraSignature } from '../../gateways/lyra/signature.js';
import { headerOf, type MerchantAnswer, numberHeaderOf, startMerchantServer } from '../_shared/merchant.js';
import { startLyraSimulator } from './server.js';
import type { LyraSimulator, LyraSimulatorOptions, SimShop } from './types.js';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly fields: Record<string, string>;
  /** x-simulator-ipn, x-simulator-attempt and x-simulator-fault, when present. */
  readonly ipn: number | null;
  readonly attempt: number | null;
  readonly fault: string | null;
  /** performance.now() on arrival: the same timeline as the test's own performance.now(). */
  readonly at: number;
}

export interface TestMerchant {
  readonly url: string;
  readonly ipnUrl: string;
  readonly returnUrl: string;
  readonly received: Received[];
  /** The requests that reached the IPN path, in arrival order. */
  ipns(): Received[];
  /** Resolves once the IPN path has received `count` requests. */
  waitForIpns(count: number): Promise<void>;
  close(): Promise<void>;
}

/** `answer` decides the reply to the IPN path; `index` counts IPN requests from 0. */
export async function startMerchant(
  answer: (req: Received, index: number) => MerchantAnswer = () => ({ status: 200, body: 'OK' }),
): Promise<TestMerchant> {
  const received: Received[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const ipns = () => received.filter((r) => r.path === '/ipn');
  const server = await startMerchantServer((req, body, path) => {
    const rec: Received = {
      path,
      headers: req.headers,
      fields: formToRecord(decodeForm(body)),
      ipn: numberHeaderOf(req, 'x-simulator-ipn'),
      attempt: numberHeaderOf(req, 'x-simulator-attempt'),
      fault: headerOf(req, 'x-simulator-fault'),
      at: performance.now(),
    };
    received.push(rec);
    let reply: MerchantAnswer = { status: 200, body: 'OK' };
    if (path === '/ipn') {
      const count = ipns().length;
      reply = answer(rec, count - 1);
      for (const w of waiters.filter((w) => count >= w.count)) w.resolve();
    } else if (path === '/return') {
      reply = { status: 302, headers: { location: '/thanks' } };
    }
    return reply;
  });
  const { url } = server;
  return {
    url,
    ipnUrl: `${url}/ipn`,
    returnUrl: `${url}/return`,
    received,
    ipns,
    waitForIpns: (count) =>
      ipns().length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => server.close(),
  };
}

let nextTransId = 100000;

/** A complete, signed checkout form for `shop`, with a fresh vads_trans_id unless overridden. */
export function checkoutFields(
  shop: SimShop,
  merchant: Pick<TestMerchant, 'ipnUrl' | 'returnUrl'>,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const fields: Record<string, string> = {
    vads_action_mode: 'INTERACTIVE',
    vads_amount: '1524',
    vads_ctx_mode: 'TEST',
    vads_currency: '978',
    vads_order_id: `order-${nextTransId}`,
    vads_page_action: 'PAYMENT',
    vads_payment_config: 'SINGLE',
    vads_site_id: shop.siteId,
    vads_trans_date: '20260105093000',
    vads_trans_id: String(nextTransId++),
    vads_url_check: merchant.ipnUrl,
    vads_url_return: merchant.returnUrl,
    vads_version: 'V2',
    ...overrides,
  };
  return signCheckout(shop, fields);
}

/** Replaces `signature` with the one the shop's key gives for these vads_* fields. */
export function signCheckout(
  shop: SimShop,
  fields: Readonly<Record<string, string>>,
): Record<string, string> {
  const { signature: _, ...vads } = fields;
  return { ...vads, signature: lyraSignature(vads, shop.key, shop.algorithm) };
}

export const SHOP: SimShop = { siteId: '12345678', key: '1122334455667788', algorithm: 'hmac-sha-256' };
export const SHA1_SHOP: SimShop = { siteId: '87654321', key: '8877665544332211', algorithm: 'sha1' };

/** 0.0005 makes a 15-minute slot last 450 ms; the IPN timeout stays at its 2 s floor. */
export const TIME_SCALE = 0.0005;

export interface Harness {
  readonly sim: LyraSimulator;
  readonly merchant: TestMerchant;
  checkout(overrides?: Readonly<Record<string, string>>): {
    method: string;
    url: string;
    fields: Record<string, string>;
  };
}

/** A simulator with SHOP and a merchant, both closed when the test ends. */
export async function harness(
  t: TestContext,
  options: Partial<LyraSimulatorOptions> & { answer?: Parameters<typeof startMerchant>[0] } = {},
): Promise<Harness> {
  const { answer, ...simOptions } = options;
  const merchant = await startMerchant(answer);
  const sim = await startLyraSimulator({ shops: [SHOP], timeScale: TIME_SCALE, seed: 7, ...simOptions });
  t.after(async () => {
    await sim.close();
    await merchant.close();
  });
  return {
    sim,
    merchant,
    checkout: (overrides) => ({
      method: 'POST',
      url: sim.paymentUrl,
      fields: checkoutFields(SHOP, merchant, overrides),
    }),
  };
}

export function validSignature(fields: Readonly<Record<string, string>>, shop: SimShop = SHOP): boolean {
  return isLyraSignatureValid(fields, fields.signature ?? '', shop.key, shop.algorithm);
}
