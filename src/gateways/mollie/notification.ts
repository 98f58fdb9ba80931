import { decodeForm, FormDecodeError, formToRecord, repeatedNames } from '../_shared/form-codec.js';
import { describe } from '../_shared/json.js';
import { FORM_TYPE, mediaType } from '../_shared/request.js';
import type { NotificationCheck, RawRequest } from '../gateway.js';
import { PAYMENT_ID } from './map.js';

/**
 * A Mollie webhook: `POST` with `Content-Type: application/x-www-form-urlencoded` and the single field `id=tr_…`
 * (docs.mollie.com/reference/webhooks). Nothing is signed and nothing is claimed, so it never settles anything by
 * itself: a well-formed one becomes a deferred check of the payment, fetched back from a job (fetch.ts). Refunds and
 * chargebacks call the same webhook with the payment's id (same page: "the webhook will be called when a refund is
 * performed … a chargeback is received").
 */
export function verifyMollieNotification(_account: unknown, request: RawRequest): NotificationCheck {
  const type = mediaType(request.headers['content-type']);
  if (type !== '' && type !== FORM_TYPE) {
    return {
      kind: 'unparseable',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      reason: `the body is ${describe(type)}; Mollie posts ${FORM_TYPE} with id=tr_…`,
    };
  }
  let fields: Record<string, string>;
  try {
    const pairs = decodeForm(request.body);
    const repeated = repeatedNames(pairs);
    if (repeated.includes('id')) {
      return { kind: 'unparseable', code: 'MALFORMED_BODY', reason: 'the body names id more than once' };
    }
    fields = formToRecord(pairs);
  } catch (error) {
    if (!(error instanceof FormDecodeError)) throw error;
    return {
      kind: 'unparseable',
      code: 'MALFORMED_BODY',
      reason: `the body is not a UTF-8 form: ${error.message}`,
    };
  }
  const id = fields.id;
  if (id === undefined) {
    return {
      kind: 'unparseable',
      code: 'MISSING_FIELD',
      reason: 'the body has no id (Mollie posts id=tr_…)',
    };
  }
  if (!PAYMENT_ID.test(id)) {
    return {
      kind: 'unparseable',
      code: 'INVALID_FIELD',
      reason: `the id ${describe(id)} is not a Mollie payment id (tr_…); quittance creates payments only`,
    };
  }
  return { kind: 'deferred', resource: id, lookup: { gatewayRef: id } };
}
