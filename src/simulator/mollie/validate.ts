import { currencyExponent } from '../../core/index.js';
import { isHttpUrl } from '../_shared/http.js';

export type CreateInput =
  | {
      readonly ok: true;
      readonly amount: { readonly minor: number; readonly currency: string };
      readonly description: string;
      readonly redirectUrl: string;
      readonly webhookUrl: string | undefined;
      readonly metadata: unknown;
    }
  | { readonly ok: false; readonly field: string; readonly detail: string };

/**
 * The checks Mollie makes on a new payment, as far as the simulator knows them (docs.mollie.com/reference/create-payment):
 * amount `{currency, value}` with exactly the currency's decimals, a description, an http(s) redirectUrl, an optional
 * webhookUrl. The first problem is answered, as Mollie's 422 names one `field`.
 */
export function validateCreate(body: unknown): CreateInput {
  const obj = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const amount = parseAmount(obj.amount);
  if ('field' in amount) return { ok: false, ...amount };
  if (typeof obj.description !== 'string' || obj.description.length === 0 || obj.description.length > 255) {
    return {
      ok: false,
      field: 'description',
      detail: 'The description is missing or longer than 255 characters.',
    };
  }
  if (!isHttpUrl(obj.redirectUrl)) {
    return { ok: false, field: 'redirectUrl', detail: 'The redirect URL is invalid.' };
  }
  if (obj.webhookUrl !== undefined && !isHttpUrl(obj.webhookUrl)) {
    return { ok: false, field: 'webhookUrl', detail: 'The webhook URL is invalid.' };
  }
  return {
    ok: true,
    amount,
    description: obj.description,
    redirectUrl: obj.redirectUrl,
    webhookUrl: obj.webhookUrl as string | undefined,
    metadata: obj.metadata ?? null,
  };
}

/** An amount object `{currency, value}` with exactly the currency's decimals and at least one minor unit. */
export function parseAmount(
  raw: unknown,
):
  | { readonly minor: number; readonly currency: string }
  | { readonly field: string; readonly detail: string } {
  const amount = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const currency = amount.currency;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    return { field: 'amount.currency', detail: 'The amount currency is invalid.' };
  }
  const exponent = currencyExponent(currency);
  const pattern = exponent === 0 ? /^\d{1,12}$/ : new RegExp(`^\\d{1,12}\\.\\d{${exponent}}$`);
  const value = amount.value;
  if (typeof value !== 'string' || !pattern.test(value)) {
    return {
      field: 'amount.value',
      detail: `The amount contains an invalid value: use a string with ${exponent} decimals.`,
    };
  }
  const minor = Number(value.replace('.', ''));
  if (minor < 1) return { field: 'amount.value', detail: 'The amount is lower than the minimum.' };
  return { minor, currency };
}
