/**
 * Test support (not part of the public API): a tiny merchant that records what the platform sends and answers as
 * told, and a builder for sealed Paypage POST forms written from the protocol notes (not by the adapter).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TestContext } from 'node:test';
import { decodeForm, formToRecord } from '../../gateways/_shared/form-codec.js';
import { isSipsSealValid, sipsSeal } from '../../gateways/sips/seal.js';
import { headerOf, type MerchantAnswer, numberHeaderOf, startMerchantServer } from '../_shared/merchant.js';
import { buildData, decodeData, parseData } from './data.js';
import { startSipsSimulator } from './server.js';
import type { SipsSealAlgorithm, SipsShop, SipsSimulator, SipsSimulatorOptions } from './types.js';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  readonly body: Buffer;
  /** The form fields (Data, Encode, Seal, InterfaceVersion). */
  readonly form: Record<string, string>;
  /** The decoded Data fields ({} when unreadable). */
  readonly data: Record<string, string>;
  /** x-simulator-response, x-simulator-attempt and x-simulator-fault, when present. */
  readonly response: number | null;
  readonly attempt: number | null;
  readonly fault: string | null;
}

export interface TestMerchant {
  readonly url: string;
  /** automaticResponseUrl */
  readonly notifyUrl: string;
  /** normalReturnUrl */
  readonly returnUrl: string;
  readonly received: Received[];
  /** The requests that reached the automatic-response path, in arrival order. */
  notices(): Received[];
  close(): Promise<void>;
}

/** `answer` decides the reply to the automatic-response path; `index` counts those requests from 0. */
export async function startMerchant(
  answer: (req: Received, index: number) => MerchantAnswer = () => ({ status: 200 }),
): Promise<TestMerchant> {
  const received: Received[] = [];
  const notices = () => received.filter((r) => r.path === '/notify');
  const server = await startMerchantServer((req, body, path) => {
    const form = formToRecord(decodeForm(body));
    const rec: Received = {
      path,
      headers: req.headers,
      body,
      form,
      data: dataOf(form),
      response: numberHeaderOf(req, 'x-simulator-response'),
      attempt: numberHeaderOf(req, 'x-simulator-attempt'),
      fault: headerOf(req, 'x-simulator-fault'),
    };
    received.push(rec);
    return rec.path === '/notify' ? answer(rec, notices().length - 1) : { status: 200 };
  });
  const { url } = server;
  return {
    url,
    notifyUrl: `${url}/notify`,
    returnUrl: `${url}/return`,
    received,
    notices,
    close: () => server.close(),
  };
}

/** The decoded Data of a response form. */
export function dataOf(form: Readonly<Record<string, string>>): Record<string, string> {
  const plain = decodeData(form.Data ?? '', form.Encode);
  const parsed = plain.ok ? parseData(plain.plain) : undefined;
  return parsed?.ok ? { ...parsed.fields } : {};
}

export const SHOP: SipsShop = {
  merchantId: '002001000000001',
  secretKey: '002001000000001_KEY1',
  keyVersion: '1',
};

let nextReference = 1;

export interface FormOptions {
  readonly algorithm?: SipsSealAlgorithm;
  readonly encode?: boolean;
  /** Data pairs replacing or added to the defaults (order kept; undefined removes one). */
  readonly data?: Readonly<Record<string, string | undefined>>;
  readonly interfaceVersion?: string;
  /** Replaces the computed seal. */
  readonly seal?: string;
  /** Seals with this key instead of the shop's. */
  readonly key?: string;
}

/** A Paypage POST form as the samples build it (shared/protocols.md §1), sealed with the shop's key. */
export function paypageForm(
  merchant: Pick<TestMerchant, 'notifyUrl' | 'returnUrl'>,
  options: FormOptions = {},
  shop: SipsShop = SHOP,
): Record<string, string> {
  const defaults: Record<string, string | undefined> = {
    amount: '1524',
    currencyCode: '978',
    merchantId: shop.merchantId,
    normalReturnUrl: merchant.returnUrl,
    automaticResponseUrl: merchant.notifyUrl,
    transactionReference: `ref${process.pid}x${nextReference++}`,
    keyVersion: shop.keyVersion ?? '1',
    orderId: 'ORDER-1',
    orderChannel: 'INTERNET',
    ...options.data,
  };
  const pairs = Object.entries(defaults).flatMap(([k, v]) =>
    v === undefined ? [] : [[k, v] as [string, string]],
  );
  const plain = buildData(pairs);
  const data = options.encode ? Buffer.from(plain, 'utf8').toString('base64') : plain;
  const algorithm = options.algorithm ?? 'HMAC-SHA-256';
  return {
    Data: data,
    InterfaceVersion: options.interfaceVersion ?? 'HP_2.24',
    Seal: options.seal ?? sipsSeal(data, options.key ?? shop.secretKey, algorithm),
    SealAlgorithm: algorithm,
    ...(options.encode && { Encode: 'base64' }),
  };
}

/** 0.0005 makes the 15-minute retry last 450 ms; the answer timeout stays at its 2 s floor. */
export const TIME_SCALE = 0.0005;

export interface Harness {
  readonly sim: SipsSimulator;
  readonly merchant: TestMerchant;
  checkout(options?: FormOptions): { method: string; url: string; fields: Record<string, string> };
}

/** A simulator with SHOP and a merchant, both closed when the test ends. */
export async function harness(
  t: TestContext,
  options: Partial<SipsSimulatorOptions> & { answer?: Parameters<typeof startMerchant>[0] } = {},
): Promise<Harness> {
  const { answer, ...simOptions } = options;
  const merchant = await startMerchant(answer);
  const sim = await startSipsSimulator({ shops: [SHOP], timeScale: TIME_SCALE, seed: 7, ...simOptions });
  t.after(async () => {
    await sim.close();
    await merchant.close();
  });
  return {
    sim,
    merchant,
    checkout: (formOptions) => ({
      method: 'POST',
      url: `${sim.apiBase}/paymentInit`,
      fields: paypageForm(merchant, formOptions),
    }),
  };
}

/** Whether a response form's Seal matches its Data with the shop's key. */
export function validSeal(
  form: Readonly<Record<string, string>>,
  algorithm: SipsSealAlgorithm = 'HMAC-SHA-256',
  shop: SipsShop = SHOP,
): boolean {
  return isSipsSealValid(form.Data ?? '', form.Seal ?? '', shop.secretKey, algorithm);
}
