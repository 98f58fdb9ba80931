import { describe, isObject } from '../_shared/json.js';
import type { GatewayAccount, NotificationCheck, RawRequest } from '../gateway.js';
import { ORDER_ID } from './api.js';
import type { TalerCredentials } from './credentials.js';

/**
 * Taler merchant webhooks (docs.taler.net merchant API `POST /private/webhooks`; shared/protocols.md §5): the merchant
 * registers, per event type, a URL, a method and Mustache templates for headers and body. Nothing is signed, so
 * quittance treats every webhook as a hint: it stores it, answers at once and fetches the order back
 * (`GET /private/orders/$ID`, status.ts) from a job; only the fetched order settles anything.
 *
 * The templates quittance expects (README; one webhook per event type, `http_method` POST, URL
 * `https://<quittance>/notify/<account id>`, `header_template` `Content-Type: application/json`):
 *
 *   pay:    {"event_type":"pay","order_id":"{{order_id}}"}
 *   refund: {"event_type":"refund","order_id":"{{order_id}}","refund_amount":"{{refund_amount}}"}
 *
 * (`order_id` is a variable of both events; `refund_amount` of `refund`: protocols.md §5.) `order_created` and
 * `order_settled` bodies of the same shape are accepted too and fetched back. Anything else is unparseable.
 */
export const WEBHOOK_EVENTS = ['pay', 'refund', 'order_created', 'order_settled'] as const;

export function verifyTalerWebhook(
  _account: GatewayAccount<TalerCredentials>,
  request: RawRequest,
): NotificationCheck {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    return unparseable(
      'MALFORMED_BODY',
      'the body is not UTF-8 JSON (the webhook body template must render JSON, see the README)',
    );
  }
  if (!isObject(body)) return unparseable('MALFORMED_BODY', 'the body is JSON but not an object');
  const event = body.event_type;
  if (event === undefined)
    return unparseable('MISSING_FIELD', 'the body has no "event_type" (pay or refund)');
  if (typeof event !== 'string' || !(WEBHOOK_EVENTS as readonly string[]).includes(event)) {
    return unparseable(
      'INVALID_FIELD',
      `the event_type ${describe(event)} is not one quittance listens to (pay, refund)`,
    );
  }
  const orderId = body.order_id;
  if (orderId === undefined || orderId === '')
    return unparseable('MISSING_FIELD', `the ${event} webhook has no order_id`);
  if (typeof orderId !== 'string' || !ORDER_ID.test(orderId)) {
    return unparseable('INVALID_FIELD', `the order_id ${describe(orderId)} is not a Taler order id`);
  }
  return {
    kind: 'deferred',
    resource: orderId,
    // `pay` says the order was paid; a refund says nothing of how much is refunded in all (the fetch-back tells).
    ...(event === 'pay' && { claimed: 'captured' as const }),
    lookup: { merchantRef: orderId, gatewayRef: orderId },
  };
}

function unparseable(
  code: 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD',
  reason: string,
): NotificationCheck {
  return { kind: 'unparseable', code, reason };
}
