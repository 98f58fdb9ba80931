/** Signed Lyra IPN bodies for the bench's payments. */
import { createHash, randomBytes } from 'node:crypto';
import { encodeForm } from '../src/gateways/_shared/form-codec.js';
import { lyraSignature } from '../src/gateways/lyra/signature.js';

/**
 * What Lyra posts at the end of a payment: the form's vads_ fields echoed back, the result fields and
 * a few card fields a real IPN carries, signed over every vads_ field (protocols.md, Lyra).
 */
export function ipnFields(form: Readonly<Record<string, string>>, paymentId: string): Record<string, string> {
  const { signature: _formSignature, ...echoed } = form;
  return {
    ...echoed,
    vads_auth_mode: 'FULL',
    vads_auth_number: randomBytes(3).toString('hex'),
    vads_auth_result: '00',
    vads_capture_delay: '0',
    vads_card_brand: 'CB',
    vads_card_country: 'FR',
    vads_card_number: '497010XXXXXX0055',
    vads_effective_amount: echoed.vads_amount ?? '',
    vads_effective_currency: echoed.vads_currency ?? '',
    vads_expiry_month: '6',
    vads_expiry_year: '2031',
    vads_extra_result: '',
    vads_hash: createHash('sha256').update(`hash:${paymentId}`).digest('hex'),
    vads_operation_type: 'DEBIT',
    vads_payment_certificate: createHash('sha1').update(`cert:${paymentId}`).digest('hex'),
    vads_presentation_date: echoed.vads_trans_date ?? '',
    vads_result: '00',
    vads_sequence_number: '1',
    vads_threeds_status: 'Y',
    vads_trans_status: 'AUTHORISED',
    vads_trans_uuid: randomBytes(16).toString('hex'),
    vads_url_check_src: 'PAY',
    vads_validation_mode: '0',
    vads_warranty_result: 'YES',
  };
}

export function signedBody(fields: Record<string, string>, key: string): Buffer {
  return Buffer.from(
    encodeForm({ ...fields, signature: lyraSignature(fields, key, 'hmac-sha-256') }),
    'utf8',
  );
}
