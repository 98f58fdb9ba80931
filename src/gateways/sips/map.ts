import type { PaymentStatus } from '../../core/index.js';
import type { StatusMap } from '../gateway.js';

/**
 * `responseCode` → our status, for a payment whose capture is automatic (see `mapSipsResponse` for `00`).
 * Classes from odoo/odoo `addons/payment_sips/const.py` (00 done, 60 pending, the rest cancel/refused); meanings from
 * worldline/sips-sdk-java `payment-sdk-common/.../model/ResponseCode.java` (wording of eopayment `eopayment/sips2.py`),
 * shared/protocols.md §1:
 * - 17 "buyer cancelled" → cancelled; 97 "time frame exceeded, refused" (the session ran out) → expired;
 * - card and bank refusals (02 05 11 14 34 51 54 63 75) → refused; 34 is "fraud suspicion" (a seal mismatch,
 *   or a wrong keyVersion, in the request: docs.sips.worldline-solutions.com/en/WLSIPS.316-UG-Sips-Paypage-JSON.html):
 *   no money moved, so refused, with the fact kept for people;
 * - request or contract errors on our side (03 invalid merchant contract, 12 invalid transaction, 24 operation not
 *   allowed, 30 format error, 40 function not allowed, 94 duplicate transactionReference) → error;
 * - Sips-side unavailability (90 service temporarily unavailable, 99 temporary Sips problem) → error;
 * - 25 "transaction unknown to Sips" in a payment response means nothing was made → refused.
 */
export const SIPS_RESPONSE_MAP: StatusMap = {
  '00': 'captured',
  '60': 'pending',
  '17': 'cancelled',
  '97': 'expired',
  '02': 'refused',
  '05': 'refused',
  '11': 'refused',
  '14': 'refused',
  '25': 'refused',
  '34': 'refused',
  '51': 'refused',
  '54': 'refused',
  '63': 'refused',
  '75': 'refused',
  '03': 'error',
  '12': 'error',
  '24': 'error',
  '30': 'error',
  '40': 'error',
  '90': 'error',
  '94': 'error',
  '99': 'error',
};

export interface MappedStatus {
  readonly status: PaymentStatus;
  readonly note?: string | undefined;
}

/**
 * `00` is an accepted authorisation; whether it is captured depends on `captureMode` (a ResponseData field in
 * worldline/sips-sdk-java `payment-sdk-common/.../model/ResponseData.java`, with `captureDay`):
 * - `AUTHOR_CAPTURE` (the default in Worldline's samples, e.g. the SDK's response tests): Sips captures by itself after
 *   `captureDay` days, so the payment is as good as paid → captured (with a note when the capture is deferred);
 * - `VALIDATION`: the merchant must validate in Sips Office before anything is captured → authorized;
 * - `IMMEDIATE` → captured; absent or another word → captured, with a note for people.
 * Unknown response codes never throw: refused, with a note.
 */
export function mapSipsResponse(
  responseCode: string,
  captureMode?: string | undefined,
  captureDay?: string | undefined,
): MappedStatus {
  const status = Object.hasOwn(SIPS_RESPONSE_MAP, responseCode) ? SIPS_RESPONSE_MAP[responseCode] : undefined;
  if (status === undefined) {
    return {
      status: 'refused',
      note: `Sips answered the response code "${responseCode.slice(0, 16)}", which quittance does not know; it is read as a refusal.`,
    };
  }
  if (responseCode !== '00') return { status };
  if (captureMode === 'VALIDATION') return { status: 'authorized' };
  if (captureMode === 'AUTHOR_CAPTURE' || captureMode === 'IMMEDIATE') {
    const days = captureDay !== undefined && /^\d+$/.test(captureDay) ? Number(captureDay) : 0;
    return days > 0
      ? {
          status: 'captured',
          note: `Sips captures this authorisation automatically after ${days} day(s) (AUTHOR_CAPTURE).`,
        }
      : { status: 'captured' };
  }
  return {
    status: 'captured',
    note:
      captureMode === undefined
        ? 'Sips accepted the payment (00) without saying its captureMode; read as captured (AUTHOR_CAPTURE is the default).'
        : `Sips accepted the payment (00) with the captureMode "${captureMode.slice(0, 32)}", which quittance does not know; read as captured.`,
  };
}
