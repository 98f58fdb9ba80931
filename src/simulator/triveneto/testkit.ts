/**
 * Test support (not part of the public API): a tiny merchant that records the NotificationMessages and answers as
 * told (by default `REDIRECT=<its /thanks page>`), and a PaymentInit helper.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TestContext } from 'node:test';
import { decodeForm, encodeForm, formToRecord } from '../../gateways/_shared/form-codec.js';
import { headerOf, type MerchantAnswer, startMerchantServer } from '../_shared/merchant.js';
import { startTrivenetoSimulator } from './server.js';
import type { SimTerminal, TrivenetoSimulator, TrivenetoSimulatorOptions } from './types.js';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly fields: Record<string, string>;
  /** x-simulator-fault, when present. */
  readonly fault: string | null;
}

export interface TestMerchant {
  readonly url: string;
  readonly notifyUrl: string;
  readonly errorUrl: string;
  readonly thanksUrl: string;
  /** The requests that reached /notify, in arrival order. */
  notifications(): Received[];
  close(): Promise<void>;
}

/** `answer` decides the reply to /notify; `index` counts its requests from 0. */
export async function startMerchant(
  answer?: (req: Received, index: number, merchant: { thanksUrl: string }) => MerchantAnswer,
): Promise<TestMerchant> {
  const received: Received[] = [];
  let thanksUrl = '';
  const server = await startMerchantServer((req, body, path) => {
    const rec: Received = {
      path,
      headers: req.headers,
      fields: formToRecord(decodeForm(body)),
      fault: headerOf(req, 'x-simulator-fault'),
    };
    let reply: MerchantAnswer = { status: 200, body: 'OK' };
    if (path === '/notify') {
      received.push(rec);
      reply = answer
        ? answer(rec, received.length - 1, { thanksUrl })
        : {
            status: 200,
            body: `REDIRECT=${thanksUrl}?order=${encodeURIComponent(rec.fields.trackid ?? '')}`,
          };
    }
    return reply;
  });
  const { url } = server;
  thanksUrl = `${url}/thanks`;
  return {
    url,
    notifyUrl: `${url}/notify`,
    errorUrl: `${url}/error`,
    thanksUrl,
    notifications: () => [...received],
    close: () => server.close(),
  };
}

export const TERMINAL: SimTerminal = { id: '89025555', password: 'terminal-password' };

let nextTrack = 1;

/** PaymentInit fields for TERMINAL and `merchant`, overridable (undefined removes a field). */
export function initFields(
  merchant: Pick<TestMerchant, 'notifyUrl' | 'errorUrl'>,
  overrides: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    id: TERMINAL.id,
    password: TERMINAL.password,
    action: '1',
    amt: '12.50',
    currencycode: '978',
    langid: 'ITA',
    responseURL: merchant.notifyUrl,
    errorURL: merchant.errorUrl,
    trackid: `track-${nextTrack++}`,
    udf1: 'pay_123',
    udf2: '1250 EUR',
    udf4: 'a'.repeat(64),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

/** POSTs a PaymentInit and gives the plain-text answer. */
export async function paymentInit(
  sim: TrivenetoSimulator,
  fields: Readonly<Record<string, string>>,
): Promise<string> {
  const res = await fetch(`${sim.servletBase}PaymentInitHTTPServlet`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(fields),
  });
  return res.text();
}

/** The checkout a merchant builds from a PaymentInit answer: GET PaymentURL?PaymentID=… */
export function checkoutOf(answer: string): { method: 'GET'; url: string; fields: Record<string, string> } {
  const colon = answer.indexOf(':');
  const url = new URL(answer.slice(colon + 1));
  url.searchParams.set('PaymentID', answer.slice(0, colon));
  return { method: 'GET', url: url.toString(), fields: {} };
}

export interface Harness {
  readonly sim: TrivenetoSimulator;
  readonly merchant: TestMerchant;
  /** PaymentInit, then the checkout for it. */
  start(overrides?: Readonly<Record<string, string | undefined>>): Promise<ReturnType<typeof checkoutOf>>;
}

/** A simulator with TERMINAL and a merchant, both closed when the test ends. */
export async function harness(
  t: TestContext,
  options: Partial<TrivenetoSimulatorOptions> & { answer?: Parameters<typeof startMerchant>[0] } = {},
): Promise<Harness> {
  const { answer, ...simOptions } = options;
  const merchant = await startMerchant(answer);
  const sim = await startTrivenetoSimulator({
    terminals: [TERMINAL],
    timeScale: 0.0005,
    seed: 7,
    ...simOptions,
  });
  t.after(async () => {
    await sim.close();
    await merchant.close();
  });
  return {
    sim,
    merchant,
    async start(overrides) {
      const text = await paymentInit(sim, initFields(merchant, overrides));
      if (text.includes('!ERROR!')) throw new Error(`PaymentInit refused: ${text}`);
      return checkoutOf(text);
    },
  };
}
