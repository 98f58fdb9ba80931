import type { PaymentStatus } from '../../core/index.js';
import { describe, isObject } from '../_shared/json.js';
import type { GatewayAccount, NotificationCheck, RawRequest } from '../gateway.js';
import type { PayplugCredentials } from './credentials.js';
import { mapPayplugPayment, PAYMENT_ID, REFUND_ID, readPayment } from './map.js';

/**
 * A PayPlug notification: a POST whose JSON body is the resource that changed, a payment or a refund
 * (support.payplug.com/hc/en-gb/articles/360022399591; shared/protocols.md §2). It carries no signature: payplug-php
 * `lib/Payplug/Notification.php` `treat()` decodes the body, dispatches on `object` (`APIResource::factory`: payment,
 * refund, installment_plan; anything else throws UnknownAPIResourceException) and re-fetches the resource by id
 * (`getConsistentResource`); only the fetched object is trusted. So we never settle from the body: a well-formed one
 * becomes a deferred check, and the fetch-back (fetch.ts) decides.
 *
 * What the body claims (a payment's state) is kept as `claimed`, so that a notification that disagrees with the
 * fetched truth is marked not genuine. Refunds claim nothing about the payment: `claimed` is left out.
 */
export function verifyPayplugNotification(
  account: GatewayAccount<PayplugCredentials>,
  request: RawRequest,
): NotificationCheck {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    return unparseable('MALFORMED_BODY', 'the body is not UTF-8 JSON (PayPlug posts the resource as JSON)');
  }
  if (!isObject(body)) return unparseable('MALFORMED_BODY', 'the body is JSON but not an object');
  const kind = body.object;
  if (kind === undefined) return unparseable('MISSING_FIELD', 'the body has no "object" (payment or refund)');
  if (kind === 'payment') return paymentNotice(account, body);
  if (kind === 'refund') return refundNotice(body);
  if (kind === 'installment_plan') {
    return unparseable(
      'INVALID_FIELD',
      'an installment_plan notification: quittance creates no installment plans',
    );
  }
  return unparseable('INVALID_FIELD', `the body's object is ${describe(kind)}, neither payment nor refund`);
}

function paymentNotice(
  account: GatewayAccount<PayplugCredentials>,
  body: Readonly<Record<string, unknown>>,
): NotificationCheck {
  const id = body.id;
  if (id === undefined) return unparseable('MISSING_FIELD', 'the payment notification has no id');
  if (typeof id !== 'string' || !PAYMENT_ID.test(id)) {
    return unparseable('INVALID_FIELD', `the payment id ${describe(id)} is not a pay_… id`);
  }
  // A genuine test notification never reaches a live account's URL or the reverse; the fetch-back would not find it
  // either (a test key sees only test payments), so say why now.
  if (typeof body.is_live === 'boolean' && body.is_live !== (account.mode === 'live')) {
    return {
      kind: 'rejected',
      code: 'MODE_MISMATCH',
      reason: `the payment ${id} says is_live ${body.is_live}, but the account is ${account.mode === 'live' ? 'live' : 'in test mode'}`,
    };
  }
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const ours = metadata.quittance_payment_id;
  const claimed = claimOf(body);
  return {
    kind: 'deferred',
    resource: id,
    ...(claimed !== undefined && { claimed }),
    lookup: {
      gatewayRef: id,
      ...(typeof ours === 'string' && ours.length > 0 && ours.length <= 64 && { paymentId: ours }),
    },
  };
}

/**
 * `{"object":"refund","id":"re_…","payment_id":"pay_…",…}` (protocols.md §2; payplug-php
 * `tests/unit_tests/Resource/RefundTest.php`). The payment is fetched back: its `amount_refunded` / `is_refunded` tell
 * the refund. The refund's own metadata is the refund's, not the payment's, so only the pay_ id is a lookup.
 */
function refundNotice(body: Readonly<Record<string, unknown>>): NotificationCheck {
  const id = body.id;
  if (id === undefined) return unparseable('MISSING_FIELD', 'the refund notification has no id');
  if (typeof id !== 'string' || !REFUND_ID.test(id)) {
    return unparseable('INVALID_FIELD', `the refund id ${describe(id)} is not a re_… id`);
  }
  const paymentId = body.payment_id;
  if (paymentId === undefined) return unparseable('MISSING_FIELD', `the refund ${id} has no payment_id`);
  if (typeof paymentId !== 'string' || !PAYMENT_ID.test(paymentId)) {
    return unparseable(
      'INVALID_FIELD',
      `the refund ${id} names the payment ${describe(paymentId)}, not a pay_… id`,
    );
  }
  return { kind: 'deferred', resource: paymentId, lookup: { gatewayRef: paymentId } };
}

/** The state a payment body claims, when it reads as a payment and claims a decision. */
function claimOf(body: Readonly<Record<string, unknown>>): PaymentStatus | undefined {
  const payment = readPayment(body);
  if (typeof payment === 'string') return undefined;
  return mapPayplugPayment(payment).status ?? undefined;
}

function unparseable(
  code: 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD',
  reason: string,
): NotificationCheck {
  return { kind: 'unparseable', code, reason };
}
