import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  notification,
  OUR_ID,
  PAY_ID,
  paidObject,
  paymentObject,
  refundObject,
  testAccount,
} from './fixtures/payments.js';
import { payplug } from './index.js';

const verify = (body: unknown, raw?: string) =>
  payplug.verifyNotification(testAccount, notification(body, raw));

describe('PayPlug notification parser', () => {
  it('a payment notice becomes a deferred check of that payment, with what it claims', () => {
    assert.deepEqual(verify(paidObject()), {
      kind: 'deferred',
      resource: PAY_ID,
      claimed: 'captured',
      lookup: { gatewayRef: PAY_ID, paymentId: OUR_ID },
    });
    assert.equal(
      (
        verify(paymentObject({ failure: { code: 'card_declined', message: 'declined' } })) as {
          claimed?: string;
        }
      ).claimed,
      'refused',
    );
  });

  it('claims nothing when the body decides nothing or does not read as a whole payment', () => {
    const open = verify(paymentObject());
    assert.equal(open.kind, 'deferred');
    assert.equal('claimed' in open, false);
    const partial = verify({ object: 'payment', id: PAY_ID, is_paid: true });
    assert.deepEqual(partial, { kind: 'deferred', resource: PAY_ID, lookup: { gatewayRef: PAY_ID } });
  });

  it('a refund notice fetches its payment back and claims nothing', () => {
    assert.deepEqual(verify(refundObject()), {
      kind: 'deferred',
      resource: PAY_ID,
      lookup: { gatewayRef: PAY_ID },
    });
  });

  it('never settles from the body: no verdict carries signals', () => {
    for (const body of [paidObject(), refundObject(), paymentObject()]) {
      assert.notEqual(verify(body).kind, 'verified');
    }
  });

  it('refuses what is not a PayPlug notice, with a code and a reason', () => {
    const cases: [unknown, string | undefined, string, RegExp][] = [
      [undefined, 'not json', 'MALFORMED_BODY', /not UTF-8 JSON/],
      [undefined, '\xff\xfe', 'MALFORMED_BODY', /not UTF-8 JSON/],
      [[1, 2], undefined, 'MALFORMED_BODY', /not an object/],
      [{ id: PAY_ID }, undefined, 'MISSING_FIELD', /no "object"/],
      [{ object: 'payment' }, undefined, 'MISSING_FIELD', /no id/],
      [{ object: 'payment', id: 'pay_../../admin' }, undefined, 'INVALID_FIELD', /not a pay_… id/],
      [{ object: 'payment', id: 42 }, undefined, 'INVALID_FIELD', /not a pay_… id/],
      [{ object: 'charge', id: PAY_ID }, undefined, 'INVALID_FIELD', /neither payment nor refund/],
      [{ object: 'installment_plan', id: 'inst_1' }, undefined, 'INVALID_FIELD', /installment/],
      [{ object: 'refund', payment_id: PAY_ID }, undefined, 'MISSING_FIELD', /no id/],
      [{ object: 'refund', id: 're_1' }, undefined, 'MISSING_FIELD', /no payment_id/],
      [{ object: 'refund', id: 're_1', payment_id: 'x' }, undefined, 'INVALID_FIELD', /not a pay_… id/],
    ];
    for (const [body, raw, code, reason] of cases) {
      const check = verify(body, raw);
      assert.equal(check.kind, 'unparseable', JSON.stringify(body ?? raw));
      assert.equal((check as { code: string }).code, code, JSON.stringify(body ?? raw));
      assert.match((check as { reason: string }).reason, reason);
    }
  });

  it('a live payment at a test account (or the reverse) is rejected as a mode mismatch', () => {
    const check = verify(paidObject({ is_live: true }));
    assert.equal(check.kind, 'rejected');
    assert.equal((check as { code: string }).code, 'MODE_MISMATCH');
    const live = { ...testAccount, mode: 'live' as const };
    assert.equal(payplug.verifyNotification(live, notification(paidObject())).kind, 'rejected');
  });

  it('quotes request values short in its reasons', () => {
    const check = verify({ object: 'x'.repeat(500), id: PAY_ID });
    assert.ok((check as { reason: string }).reason.length < 120);
  });
});
