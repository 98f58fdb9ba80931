import type { FormPair } from '../../gateways/_shared/form-codec.js';
import { formToRecord, repeatedNames } from '../../gateways/_shared/form-codec.js';
import { isLyraSignatureValid } from '../../gateways/lyra/signature.js';
import { isHttpUrl } from '../_shared/http.js';
import type { SimShop } from './types.js';

export const REQUIRED_FIELDS = [
  'vads_action_mode',
  'vads_amount',
  'vads_ctx_mode',
  'vads_currency',
  'vads_page_action',
  'vads_payment_config',
  'vads_site_id',
  'vads_trans_date',
  'vads_trans_id',
  'vads_version',
] as const;

/** What this simulator supports of each fixed-value field: an immediate single payment. */
const FORMATS: Readonly<Record<string, RegExp>> = {
  vads_action_mode: /^INTERACTIVE$/,
  vads_amount: /^\d{1,12}$/,
  vads_ctx_mode: /^(TEST|PRODUCTION)$/,
  vads_currency: /^\d{3}$/,
  vads_page_action: /^PAYMENT$/,
  vads_payment_config: /^SINGLE$/,
  vads_trans_date: /^\d{14}$/,
  vads_trans_id: /^[0-9A-Za-z]{6}$/,
  vads_version: /^V2$/,
};

export interface CheckoutForm {
  readonly shop: SimShop;
  /** Every vads_* field as posted, without the signature. */
  readonly fields: Readonly<Record<string, string>>;
  readonly transId: string;
  readonly transDate: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly notifyUrl: string;
  readonly returnUrl: string;
  /** Lyra's uniqueness key: shop, UTC day, case-insensitive trans id. */
  readonly uniqueKey: string;
}

export interface CheckoutRejection {
  readonly code: 'unknown-shop' | 'bad-signature' | 'missing-field' | 'bad-field' | 'trans-id-used';
  readonly field?: string;
  readonly message: string;
}

export type CheckoutResult = { ok: true; form: CheckoutForm } | { ok: false; rejection: CheckoutRejection };

/** Checks a posted checkout form the way the payment page does before showing anything. */
export function checkCheckout(
  pairs: readonly FormPair[],
  shops: ReadonlyMap<string, SimShop>,
  usedKeys: ReadonlySet<string>,
): CheckoutResult {
  const reject = (code: CheckoutRejection['code'], message: string, field?: string): CheckoutResult => ({
    ok: false,
    rejection: field === undefined ? { code, message } : { code, field, message },
  });
  const record = formToRecord(pairs);
  const siteId = record.vads_site_id ?? '';
  const shop = shops.get(siteId);
  if (!shop) return reject('unknown-shop', `no shop with vads_site_id "${siteId}"`, 'vads_site_id');

  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) if (name.startsWith('vads_')) fields[name] = value;
  const signature = record.signature;
  if (signature === undefined || !isLyraSignatureValid(fields, signature, shop.key, shop.algorithm)) {
    return reject(
      'bad-signature',
      `the signature does not match the fields and the shop's ${shop.algorithm} key`,
    );
  }
  const repeated = repeatedNames(pairs).find((name) => name.startsWith('vads_') || name === 'signature');
  if (repeated) return reject('bad-field', `${repeated} appears more than once`, repeated);
  for (const name of REQUIRED_FIELDS) {
    if (!fields[name]) return reject('missing-field', `${name} is required`, name);
  }
  for (const [name, format] of Object.entries(FORMATS)) {
    if (!format.test(fields[name] ?? '')) return reject('bad-field', `${name} has a bad value`, name);
  }
  const badUrl = Object.keys(fields).find(
    (name) => name.startsWith('vads_url_') && fields[name] && !isHttpUrl(fields[name], 1024),
  );
  if (badUrl) return reject('bad-field', `${badUrl} is not an http(s) URL`, badUrl);
  const notifyUrl = fields.vads_url_check || shop.notifyUrl;
  if (!notifyUrl || !isHttpUrl(notifyUrl, 1024)) {
    return reject(
      'bad-field',
      'no usable IPN URL: send vads_url_check or set the shop notifyUrl',
      'vads_url_check',
    );
  }
  const returnUrl = fields.vads_url_return || shop.returnUrl;
  if (!returnUrl || !isHttpUrl(returnUrl, 1024)) {
    return reject(
      'bad-field',
      'no usable return URL: send vads_url_return or set the shop returnUrl',
      'vads_url_return',
    );
  }

  const transId = fields.vads_trans_id as string;
  const transDate = fields.vads_trans_date as string;
  const uniqueKey = `${siteId}/${transDate.slice(0, 8)}/${transId.toLowerCase()}`;
  if (usedKeys.has(uniqueKey)) {
    return reject(
      'trans-id-used',
      `vads_trans_id ${transId} was already used on ${transDate.slice(0, 8)}`,
      'vads_trans_id',
    );
  }
  return {
    ok: true,
    form: {
      shop,
      fields,
      transId,
      transDate,
      orderId: fields.vads_order_id ?? '',
      amount: Number(fields.vads_amount),
      currency: fields.vads_currency as string,
      notifyUrl,
      returnUrl,
      uniqueKey,
    },
  };
}
