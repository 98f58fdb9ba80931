/**
 * The currencies Mollie takes payments in (docs.mollie.com/docs/multicurrency, "Supported currencies"). Mollie's
 * list changes with its payment methods; a currency the account's methods do not offer is refused by Mollie itself at
 * creation (VALIDATION_FAILED with Mollie's words). [UNCONFIRMED: the list was read from memory of the docs page,
 * the stored copy was not reached.]
 */
export const MOLLIE_CURRENCIES: ReadonlySet<string> = new Set([
  'AED',
  'AUD',
  'BGN',
  'BRL',
  'CAD',
  'CHF',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'HKD',
  'HUF',
  'ILS',
  'ISK',
  'JPY',
  'MXN',
  'MYR',
  'NOK',
  'NZD',
  'PHP',
  'PLN',
  'RON',
  'RUB',
  'SEK',
  'SGD',
  'THB',
  'TWD',
  'USD',
  'ZAR',
]);

export function supportsMollieCurrency(currency: string): boolean {
  return MOLLIE_CURRENCIES.has(currency);
}
