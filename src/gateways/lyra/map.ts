import type { PaymentStatus } from '../../core/index.js';
import type { StatusMap } from '../gateway.js';

/**
 * `vads_trans_status` → our status. Sources: docs.lyra.com/en/collect/form-payment/reference/vads-trans-status.html
 * for the documented values; the values only Lyra's own plugin knows (INITIAL, PRE_AUTHORISED, WAITING_FOR_PAYMENT,
 * PARTIALLY_AUTHORISED, PENDING, REFUND_TO_RETRY) and its grouping come from lyra/plugin-magento
 * `Model/Api/Form/Api.php`. See shared/protocols.md §3.
 */
export const LYRA_STATUS_MAP: StatusMap = {
  AUTHORISED: 'authorized',
  CAPTURED: 'captured',
  // Only a VERIFICATION (card check) ends ACCEPTED: nothing is captured, ever.
  ACCEPTED: 'authorized',
  AUTHORISED_TO_VALIDATE: 'authorized',
  // Settles like a success; core's amount check then flags the shortfall as a conflict.
  PARTIALLY_AUTHORISED: 'authorized',
  WAITING_AUTHORISATION: 'pending',
  WAITING_AUTHORISATION_TO_VALIDATE: 'pending',
  UNDER_VERIFICATION: 'pending',
  INITIAL: 'pending',
  PRE_AUTHORISED: 'pending',
  WAITING_FOR_PAYMENT: 'pending',
  PENDING: 'pending',
  SUSPENDED: 'pending',
  REFUND_TO_RETRY: 'pending',
  REFUSED: 'refused',
  CAPTURE_FAILED: 'error',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  ABANDONED: 'cancelled',
  NOT_CREATED: 'cancelled',
};

export interface MappedStatus {
  readonly status: PaymentStatus;
  readonly note?: string | undefined;
}

export function mapLyraStatus(transStatus: string): MappedStatus {
  const status = Object.hasOwn(LYRA_STATUS_MAP, transStatus) ? LYRA_STATUS_MAP[transStatus] : undefined;
  if (status !== undefined) return { status };
  return {
    status: 'pending',
    note: `Lyra reported the status "${transStatus.slice(0, 64)}", which quittance does not know; the payment is left pending for a person to review.`,
  };
}
