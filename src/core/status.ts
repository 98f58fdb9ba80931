/**
 * Payment statuses. The success path is ordered: created → pending → authorized → captured →
 * partially_refunded → refunded. The failures are final: refused, cancelled, expired, error.
 */
export const PAYMENT_STATUSES = [
  'created',
  'pending',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'refused',
  'cancelled',
  'expired',
  'error',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const SUCCESS_PATH = [
  'created',
  'pending',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
] as const satisfies readonly PaymentStatus[];

export type SuccessStatus = (typeof SUCCESS_PATH)[number];

export const FAILURE_STATUSES = [
  'refused',
  'cancelled',
  'expired',
  'error',
] as const satisfies readonly PaymentStatus[];
export type FailureStatus = (typeof FAILURE_STATUSES)[number];

export function isPaymentStatus(value: string): value is PaymentStatus {
  return (PAYMENT_STATUSES as readonly string[]).includes(value);
}

export function isFailure(status: PaymentStatus): status is FailureStatus {
  return (FAILURE_STATUSES as readonly string[]).includes(status);
}

/** Position on the success path, or -1 for a failure. */
export function successRank(status: PaymentStatus): number {
  return (SUCCESS_PATH as readonly string[]).indexOf(status);
}

/** A result is final once the gateway has decided: money is held or moved, or the attempt failed. */
export function isFinal(status: PaymentStatus): boolean {
  return isFailure(status) || successRank(status) >= successRank('authorized');
}

/** Money was collected or is held for the shop (authorized and beyond, refunds included). */
export function isPaid(status: PaymentStatus): boolean {
  return successRank(status) >= successRank('authorized');
}
