import type { PaymentStatus } from '../../core/index.js';
import type { StatusMap } from '../gateway.js';
import type { TrivenetoAction } from './credentials.js';

/**
 * NotificationMessage `result` → our status, for each PaymentInit action. Success is `CAPTURED` for action 1
 * (Purchase) and `APPROVED` for action 4 (Authorization) (PgConsTriv `getURL_NM`); the other words from PgConsTriv
 * (`isNotCaptured_NM` … `isHostTimeout_NM`), and REVERSED / VOIDED from mikilion/e24PaymentPipe.net `PaymentPipe.cs`
 * `parseResultOperation` (which also shows the gateway writes spaces as `+`: "NOT+CAPTURED"; the form codec decodes it).
 * The success word of the other action is a refusal with a note: the account did not ask for that operation.
 */
const COMMON: StatusMap = {
  'NOT CAPTURED': 'refused',
  'NOT APPROVED': 'refused',
  'DENIED BY RISK': 'refused',
  'HOST TIMEOUT': 'error',
  REVERSED: 'cancelled',
  VOIDED: 'cancelled',
};

export const TRIVENETO_STATUS_MAPS: Readonly<Record<TrivenetoAction, StatusMap>> = {
  purchase: { ...COMMON, CAPTURED: 'captured', APPROVED: 'refused' },
  authorization: { ...COMMON, APPROVED: 'authorized', CAPTURED: 'refused' },
};

const SUCCESS_WORD: Readonly<Record<TrivenetoAction, string>> = {
  purchase: 'CAPTURED',
  authorization: 'APPROVED',
};

export interface MappedStatus {
  readonly status: PaymentStatus;
  readonly note?: string | undefined;
}

export function mapTrivenetoResult(result: string, action: TrivenetoAction): MappedStatus {
  const map = TRIVENETO_STATUS_MAPS[action];
  const status = Object.hasOwn(map, result) ? map[result] : undefined;
  if (status === undefined) {
    return {
      status: 'pending',
      note: `Consorzio Triveneto reported the result "${result.slice(0, 64)}", which quittance does not know; the payment is left pending for a person to review.`,
    };
  }
  const otherSuccess =
    (Object.values(SUCCESS_WORD) as string[]).includes(result) && result !== SUCCESS_WORD[action];
  if (otherSuccess) {
    return {
      status,
      note: `Consorzio Triveneto reported ${result}, but the account asks for ${action} (success is ${SUCCESS_WORD[action]}): counted as refused, a person should check the terminal's configuration.`,
    };
  }
  return { status };
}
