/** Number formatting shared by the bench reports. */

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
export const ms = (n: number) => (n < 10 ? fmt(n, 2) : fmt(n, 1));
export const ratio = (n: number) => (n >= 10 ? `${fmt(n, 0)}×` : n >= 1 ? `${fmt(n, 1)}×` : `${fmt(n, 2)}×`);
/** A throughput as a share of the baseline's: 0.0148 → "1.5%". */
export const pct = (n: number) => (n >= 0.1 ? `${fmt(n * 100)}%` : `${fmt(n * 100, 1)}%`);
