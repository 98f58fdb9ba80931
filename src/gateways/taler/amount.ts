import { currencyExponent, formatMajorUnits, type Money, money } from '../../core/index.js';
import { TALER_CURRENCY } from './credentials.js';

/**
 * Taler amounts are strings `CURRENCY:VALUE` (docs.taler.net/core/api-common.html "Amounts"): an upper-case currency,
 * a colon, a non-negative decimal with at most 8 fractional digits (TALER_AMOUNT_FRAC_LEN_MAX) and an integer part
 * at most 2^52 (TALER_AMOUNT_MAX_VALUE). Examples: `EUR:12.5`, `KUDOS:0.01`, `EUR:10`.
 *
 * quittance counts integer minor units with the currency's exponent (core/money.ts: ISO-4217, and 2 for a currency
 * of the gateway's own such as KUDOS), so an amount with digits below the minor unit (`EUR:0.001`) cannot be
 * represented and is refused rather than rounded.
 */
const AMOUNT = /^([A-Za-z]+):(\d+)(?:\.(\d{1,8}))?$/;
const MAX_VALUE = 2 ** 52;

/** Our minor units as a Taler amount, without needless zeros: 1250 EUR → `EUR:12.5`, 100 EUR → `EUR:1`. */
export function formatTalerAmount(amount: Money): string {
  const major = formatMajorUnits(amount);
  const trimmed = major.includes('.') ? major.replace(/0+$/, '').replace(/\.$/, '') : major;
  return `${amount.currency}:${trimmed}`;
}

/** A Taler amount in our minor units, or a string saying why it cannot be one. */
export function parseTalerAmount(text: unknown): Money | string {
  if (typeof text !== 'string') return 'the amount is not a string';
  const match = AMOUNT.exec(text);
  if (!match) return `${quote(text)} is not a Taler amount (CURRENCY:VALUE)`;
  const [, currency = '', integer = '', fraction = ''] = match;
  if (!TALER_CURRENCY.test(currency)) return `${quote(text)} names a currency Taler cannot carry`;
  const whole = Number(integer);
  if (!Number.isSafeInteger(whole) || whole > MAX_VALUE) return `${quote(text)} is larger than Taler allows`;
  const exponent = currencyExponent(currency);
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    return `${quote(text)} has digits below the minor unit of ${currency} (${exponent} decimals)`;
  }
  const minor = whole * 10 ** exponent + Number(significant.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) return `${quote(text)} is too large to count in minor units`;
  return money(minor, currency);
}

function quote(text: string): string {
  const chars = Array.from(text.replace(/[\p{Cc}]+/gu, ' '));
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : chars.join(''));
}
