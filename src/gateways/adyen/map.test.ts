import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPaymentEvent, mapAdyenEvent } from './map.js';

describe('adyen event map', () => {
  it('maps the payment events with success', () => {
    const table: [string, boolean, string][] = [
      ['AUTHORISATION', true, 'captured'],
      ['AUTHORISATION', false, 'refused'],
      ['CAPTURE', true, 'captured'],
      ['CAPTURE', false, 'authorized'],
      ['CAPTURE_FAILED', true, 'error'],
      ['CANCELLATION', true, 'cancelled'],
      ['CANCELLATION', false, 'authorized'],
      ['REFUND', true, 'partially_refunded'],
      ['REFUND', false, 'captured'],
      ['REFUND_FAILED', true, 'captured'],
      ['OFFER_CLOSED', true, 'expired'],
      ['CHARGEBACK', true, 'pending'],
      ['SOMETHING_NEW', true, 'pending'],
    ];
    for (const [event, success, status] of table) {
      assert.equal(mapAdyenEvent(event, success, 'auto').status, status, `${event} ${success}`);
    }
  });

  it('AUTHORISATION is only authorized with manual capture', () => {
    assert.equal(mapAdyenEvent('AUTHORISATION', true, 'manual').status, 'authorized');
  });

  it('CANCEL_OR_REFUND follows modification.action', () => {
    assert.equal(mapAdyenEvent('CANCEL_OR_REFUND', true, 'auto', 'cancel').status, 'cancelled');
    assert.equal(mapAdyenEvent('CANCEL_OR_REFUND', true, 'auto', 'refund').status, 'partially_refunded');
  });

  it('leaves notes on what needs a person, and claims no amount for refunds', () => {
    assert.ok(mapAdyenEvent('SOMETHING_NEW', true, 'auto').note?.includes('SOMETHING_NEW'));
    assert.equal(mapAdyenEvent('REFUND', true, 'auto').carriesPaymentAmount, false);
    assert.equal(mapAdyenEvent('AUTHORISATION', true, 'auto').carriesPaymentAmount, true);
  });

  it('knows the events that are not about a payment', () => {
    assert.equal(isPaymentEvent('REPORT_AVAILABLE'), false);
    assert.equal(isPaymentEvent('AUTHORISATION'), true);
  });
});
