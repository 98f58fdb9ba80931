/**
 * The currencies Mollie takes payments in (docs.mollie.com/payments/multicurrency, "Supported currencies", with each
 * currency's decimal places: 0 for ISK and JPY, 2 for the others, as core's ISO-4217 table says). Support varies per
 * payment method; a currency the account's methods do not offer is refused by Mollie itself at creation
 * (VALIDATION_FAILED with Mollie's words). The stored copy of the page was read up to MYR; NOK to ZAR are from the
 * same list as remembered [UNCONFIRMED]. HRK, on older copies, left the list with the kuna (2023).
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
