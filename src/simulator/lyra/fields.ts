import { lyraSignature } from '../../gateways/lyra/signature.js';
import type { SimShop, SimTransStatus } from './types.js';

export type CheckSource = 'PAY' | 'BATCH' | 'RETRY';

/** What the platform knows about a transaction once the shopper has acted. */
export interface PaymentFacts {
  /** The form's vads_* fields. */
  readonly form: Readonly<Record<string, string>>;
  readonly uuid: string;
  readonly settledAmount: number;
  readonly authNumber: string;
  readonly createdAt: string;
}

const RESULTS: Readonly<Record<SimTransStatus, { result: string; authResult: string; accepted: boolean }>> = {
  AUTHORISED: { result: '00', authResult: '00', accepted: true },
  CAPTURED: { result: '00', authResult: '00', accepted: true },
  AUTHORISED_TO_VALIDATE: { result: '00', authResult: '00', accepted: true },
  REFUSED: { result: '05', authResult: '05', accepted: false },
  ABANDONED: { result: '17', authResult: '', accepted: false },
};

/**
 * The vads_* fields describing `status`: the form's fields with the settled amount, plus the
 * result fields. `src` is vads_url_check_src for an IPN, undefined for the browser return, which
 * carries neither it nor vads_hash.
 */
export function resultFields(
  facts: PaymentFacts,
  status: SimTransStatus,
  src: CheckSource | undefined,
  hash: string,
): Record<string, string> {
  const { result, authResult, accepted } = RESULTS[status];
  const amount = String(facts.settledAmount);
  const fields: Record<string, string> = {
    ...facts.form,
    vads_amount: amount,
    vads_trans_status: status,
    vads_trans_uuid: facts.uuid,
    vads_result: result,
    vads_extra_result: '',
    vads_auth_result: authResult,
    vads_operation_type: 'DEBIT',
    vads_effective_amount: amount,
    vads_effective_currency: facts.form.vads_currency ?? '',
    vads_effective_creation_date: facts.createdAt,
  };
  if (accepted) fields.vads_auth_number = facts.authNumber;
  if (status !== 'ABANDONED') {
    fields.vads_card_brand = 'CB';
    fields.vads_card_number = '497010XXXXXX0055';
  }
  if (src !== undefined) {
    fields.vads_url_check_src = src;
    fields.vads_hash = hash;
  }
  return fields;
}

/** Adds `signature`, computed with the shop's key, or a wrong one for a forgery. */
export function signed(
  fields: Readonly<Record<string, string>>,
  shop: SimShop,
  forged = false,
): Record<string, string> {
  const key = forged ? `${shop.key}-forged` : shop.key;
  return { ...fields, signature: lyraSignature(fields, key, shop.algorithm) };
}

/** UTC YYYYMMDDHHMMSS, Lyra's date format. */
export function lyraDate(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
