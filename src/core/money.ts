import { QuittanceError } from './errors.js';

/** An amount in the currency's minor unit (cents for EUR, yen for JPY, fils for KWD). */
export interface Money {
  readonly value: number;
  readonly currency: string;
}

interface CurrencyFacts {
  readonly numeric: string;
  readonly exponent: number;
}

/**
 * ISO-4217 currencies quittance knows by number and exponent. Gateways such as Lyra and Sips speak
 * numeric codes (978), our API speaks alphabetic ones (EUR). A gateway may define currencies of its
 * own (Taler's KUDOS); those are accepted by `money()` with exponent 2 unless told otherwise.
 */
const ISO_4217: Readonly<Record<string, CurrencyFacts>> = {
  AUD: { numeric: '036', exponent: 2 },
  BHD: { numeric: '048', exponent: 3 },
  BRL: { numeric: '986', exponent: 2 },
  CAD: { numeric: '124', exponent: 2 },
  CHF: { numeric: '756', exponent: 2 },
  CLP: { numeric: '152', exponent: 0 },
  CNY: { numeric: '156', exponent: 2 },
  CZK: { numeric: '203', exponent: 2 },
  DKK: { numeric: '208', exponent: 2 },
  EUR: { numeric: '978', exponent: 2 },
  GBP: { numeric: '826', exponent: 2 },
  HKD: { numeric: '344', exponent: 2 },
  HUF: { numeric: '348', exponent: 2 },
  INR: { numeric: '356', exponent: 2 },
  ISK: { numeric: '352', exponent: 0 },
  JOD: { numeric: '400', exponent: 3 },
  JPY: { numeric: '392', exponent: 0 },
  KRW: { numeric: '410', exponent: 0 },
  KWD: { numeric: '414', exponent: 3 },
  MAD: { numeric: '504', exponent: 2 },
  MXN: { numeric: '484', exponent: 2 },
  NOK: { numeric: '578', exponent: 2 },
  NZD: { numeric: '554', exponent: 2 },
  OMR: { numeric: '512', exponent: 3 },
  PLN: { numeric: '985', exponent: 2 },
  RON: { numeric: '946', exponent: 2 },
  SEK: { numeric: '752', exponent: 2 },
  SGD: { numeric: '702', exponent: 2 },
  THB: { numeric: '764', exponent: 2 },
  TND: { numeric: '788', exponent: 3 },
  TRY: { numeric: '949', exponent: 2 },
  USD: { numeric: '840', exponent: 2 },
  XOF: { numeric: '952', exponent: 0 },
  XPF: { numeric: '953', exponent: 0 },
  ZAR: { numeric: '710', exponent: 2 },
};

const BY_NUMERIC: ReadonlyMap<string, string> = new Map(
  Object.entries(ISO_4217).map(([alpha, facts]) => [facts.numeric, alpha]),
);

const CURRENCY_CODE = /^[A-Z]{3,12}$/;

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(ISO_4217, code);
}

export function currencyExponent(code: string): number {
  return ISO_4217[code]?.exponent ?? 2;
}

export function currencyToNumeric(code: string): string | undefined {
  return ISO_4217[code]?.numeric;
}

export function currencyFromNumeric(numeric: string): string | undefined {
  return BY_NUMERIC.get(numeric.padStart(3, '0'));
}

/** Builds a Money, refusing fractions, negatives, unsafe integers and malformed codes. */
export function money(value: number, currency: string): Money {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new QuittanceError(
      'INVALID_AMOUNT',
      `amount must be a non-negative integer of minor units, got ${value}`,
    );
  }
  if (!CURRENCY_CODE.test(currency)) {
    throw new QuittanceError(
      'INVALID_CURRENCY',
      `currency must be an upper-case code such as EUR, got "${currency}"`,
    );
  }
  return Object.freeze({ value, currency });
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.value === b.value && a.currency === b.currency;
}

/** "12.50 EUR", "1200 JPY": for people, never for computation. */
export function formatMoney(m: Money): string {
  return `${formatMajorUnits(m)} ${m.currency}`;
}

/**
 * 1250 EUR → "12.50", 1200 JPY → "1200": the amount in major units with exactly the currency's decimals, as gateways
 * that take decimal strings want it (Mollie, PayPal, Triveneto). The inverse of parseMajorUnits.
 */
export function formatMajorUnits(m: Money): string {
  const exponent = currencyExponent(m.currency);
  if (exponent === 0) return String(m.value);
  const digits = String(m.value).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * "12.50" in `currency` → 1250 minor units. Strict: digits, an optional point and at most the
 * currency's exponent of decimals; no sign, no exponent, no thousands separator. Undefined otherwise.
 */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const decimals = match[2] ?? '';
  if (decimals.length > exponent) return undefined;
  const value = Number(match[1]) * 10 ** exponent + Number(decimals.padEnd(exponent, '0') || '0');
  return Number.isSafeInteger(value) ? value : undefined;
}
