/** Mollie webhook bodies for the bench's deferred phase. */
import { encodeForm } from '../src/gateways/_shared/form-codec.js';

/**
 * What Mollie posts on a payment's status change: `id=tr_…` and nothing else, form-encoded, unsigned
 * (protocols.md "Mollie"; docs.mollie.com/reference/webhooks).
 */
export function mollieWebhookBody(paymentGatewayRef: string): Buffer {
  return Buffer.from(encodeForm({ id: paymentGatewayRef }), 'utf8');
}
