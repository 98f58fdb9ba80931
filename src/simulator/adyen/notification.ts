import { createHmac } from 'node:crypto';
import type { SimLink } from './types.js';

/**
 * A standard notification as Adyen posts it: `{live, notificationItems: [{NotificationRequestItem}]}`, the item signed
 * with `hmacSignature` = base64(HMAC-SHA-256(hex-decoded key, the eight colon-joined fields)) (shared/protocols.md §6).
 * Written here from the protocol, not borrowed from the adapter, so the simulator is an independent speaker.
 */
export function notificationBody(
  link: SimLink,
  item: {
    readonly eventCode: string;
    readonly success: boolean;
    readonly pspReference: string;
    readonly originalReference: string;
    readonly amountValue: number;
  },
  hexKey: string,
): string {
  const fields = {
    pspReference: item.pspReference,
    originalReference: item.originalReference,
    merchantAccountCode: link.merchantAccount,
    merchantReference: link.reference,
    amount: { value: item.amountValue, currency: link.amount.currency },
    eventCode: item.eventCode,
    success: item.success ? 'true' : 'false',
  };
  const signed = [
    fields.pspReference,
    fields.originalReference,
    fields.merchantAccountCode,
    fields.merchantReference,
    fields.amount.value,
    fields.amount.currency,
    fields.eventCode,
    fields.success,
  ].join(':');
  const hmacSignature = createHmac('sha256', Buffer.from(hexKey, 'hex'))
    .update(signed, 'utf8')
    .digest('base64');
  const notificationItem = {
    ...fields,
    eventDate: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    paymentMethod: 'visa',
    reason: item.success ? '058158:1111:03/2030' : 'Refused',
    additionalData: { paymentLinkId: link.id, hmacSignature },
  };
  return JSON.stringify({
    live: 'false',
    notificationItems: [{ NotificationRequestItem: notificationItem }],
  });
}
