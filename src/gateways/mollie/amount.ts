import { formatMajorUnits, type Money, money, parseMajorUnits } from '../../core/index.js';
import { describe, isObject } from '../_shared/json.js';

/**
 * Mollie's amount object `{currency, value}` where `value` is a string with exactly the currency's decimals
 * ("10.00" EUR, "1000" JPY): docs.mollie.com/reference/create-payment (amount.value: "make sure to send the right
 * amount of decimals"); mollie-api-node `src/data/global.ts` `Amount { currency: string; value: string }`.
 */
export function formatMollieAmount(amount: Money): { currency: string; value: string } {
  return { currency: amount.currency, value: formatMajorUnits(amount) };
}

/** Reads an amount object into minor units; a string says what is wrong. */
export function parseMollieAmount(raw: unknown, field: string): Money | string {
  if (!isObject(raw)) return `${field} is ${describe(raw)}, not an amount object`;
  const { currency, value } = raw;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    return `${field}.currency is ${describe(currency)}, not an ISO-4217 code`;
  }
  const minor = typeof value === 'string' ? parseMajorUnits(value, currency) : undefined;
  if (minor === undefined) return `${field}.value is ${describe(value)}, not a decimal amount of ${currency}`;
  return money(minor, currency);
}
