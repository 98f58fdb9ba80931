/**
 * Taler amounts `CUR:VALUE` in the simulator's own arithmetic: 1e-8 units (TALER_AMOUNT_FRAC_BASE), so that refund
 * totals are compared exactly. Independent of the adapter's amount.ts on purpose (ARCHITECTURE: the simulator never
 * imports an adapter, so an adapter bug is not mirrored).
 */
const AMOUNT = /^([A-Z]{1,11}):(\d{1,16})(?:\.(\d{1,8}))?$/;
export const FRAC_BASE = 100_000_000n;

export function parseAmount(text: unknown): { currency: string; units: bigint } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = AMOUNT.exec(text);
  if (!m) return undefined;
  const [, currency = '', integer = '', fraction = ''] = m;
  const whole = BigInt(integer);
  if (whole > 2n ** 52n) return undefined;
  return { currency, units: whole * FRAC_BASE + BigInt(fraction.padEnd(8, '0')) };
}

export function formatAmount(currency: string, units: bigint): string {
  const whole = units / FRAC_BASE;
  const fraction = (units % FRAC_BASE).toString().padStart(8, '0').replace(/0+$/, '');
  return fraction === '' ? `${currency}:${whole}` : `${currency}:${whole}.${fraction}`;
}

/** Minor units for the demo's judge: 2 decimals except the few currencies with 0 or 3. */
export function minorUnits(currency: string, units: bigint): number {
  const exponent = ['JPY', 'KRW', 'ISK', 'CLP', 'XOF', 'XPF'].includes(currency)
    ? 0
    : ['KWD', 'BHD', 'JOD', 'OMR', 'TND'].includes(currency)
      ? 3
      : 2;
  return Number((units * 10n ** BigInt(exponent)) / FRAC_BASE);
}
