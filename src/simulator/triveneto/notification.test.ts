import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  destinationOf,
  errorUrlOf,
  forgedFields,
  notificationFields,
  oppositeOf,
  postdateOf,
  resultOf,
} from './notification.js';
import type { PaymentInit } from './payment-init.js';
import { createRandom } from './random.js';

const init: PaymentInit = {
  terminalId: '89025555',
  action: '1',
  amt: '12.50',
  amountMinor: 1250,
  currencycode: '978',
  langid: 'ITA',
  responseURL: 'https://pay.example/notify/acc',
  errorURL: 'https://pay.example/return/acc/pay_1',
  trackid: '20260314-1',
  udf: { udf1: 'pay_1', udf2: '1250 EUR', udf3: '', udf4: 'c0de', udf5: '' },
};
const delivered = (status: number, answer: string) => ({ at: 0, status, latencyMs: 1, answer });

describe('triveneto simulator: NotificationMessage', () => {
  it('results by action: CAPTURED for Purchase, APPROVED for Authorization, refusals of either kind', () => {
    const random = createRandom(1);
    assert.equal(resultOf('paid', '1', random), 'CAPTURED');
    assert.equal(resultOf('authorised-only', '4', random), 'APPROVED');
    assert.equal(resultOf('paid', '4', random), undefined);
    assert.equal(resultOf('authorised-only', '1', random), undefined);
    assert.equal(resultOf('cancelled', '1', random), undefined);
    const refusals = new Set(Array.from({ length: 200 }, () => resultOf('refused', '1', random)));
    assert.deepEqual([...refusals].sort(), ['DENIED BY RISK', 'NOT CAPTURED']);
    const refusals4 = new Set(Array.from({ length: 200 }, () => resultOf('refused', '4', random)));
    assert.deepEqual([...refusals4].sort(), ['DENIED BY RISK', 'NOT APPROVED']);
  });

  it('echoes trackid and udf1..udf5, carries no amount, auth only on success', () => {
    const facts = { paymentId: '123', init, tranid: '777', auth: '654321', postdate: '0314' };
    assert.deepEqual(notificationFields(facts, 'CAPTURED'), {
      paymentid: '123',
      tranid: '777',
      result: 'CAPTURED',
      auth: '654321',
      postdate: '0314',
      trackid: '20260314-1',
      udf1: 'pay_1',
      udf2: '1250 EUR',
      udf3: '',
      udf4: 'c0de',
      udf5: '',
    });
    assert.equal(notificationFields(facts, 'NOT CAPTURED').auth, '');
    assert.equal(postdateOf(new Date('2026-03-14T23:59:00Z')), '0314');
  });

  it('a forgery claims the opposite with another udf4, same payment', () => {
    const genuine = notificationFields(
      { paymentId: '123', init, tranid: '7', auth: '1', postdate: '0314' },
      'CAPTURED',
    );
    const forged = forgedFields(genuine, '1', createRandom(3));
    assert.equal(forged.result, 'NOT CAPTURED');
    assert.notEqual(forged.udf4, genuine.udf4);
    assert.deepEqual([forged.paymentid, forged.udf1, forged.trackid], ['123', 'pay_1', '20260314-1']);
    assert.deepEqual(
      [oppositeOf('NOT CAPTURED', '1'), oppositeOf('DENIED BY RISK', '4'), oppositeOf('APPROVED', '4')],
      ['CAPTURED', 'APPROVED', 'NOT APPROVED'],
    );
  });

  it('the customer follows REDIRECT=<absolute url>, else goes to errorURL?PaymentID=', () => {
    const error = { via: 'error-url', location: 'https://pay.example/return/acc/pay_1?PaymentID=123' };
    assert.deepEqual(
      destinationOf(delivered(200, 'REDIRECT=https://shop.example/ok?x=1'), init.errorURL, '123'),
      {
        via: 'redirect',
        location: 'https://shop.example/ok?x=1',
      },
    );
    assert.equal(
      destinationOf(delivered(200, ' REDIRECT=https://shop.example/ok\r\n'), init.errorURL, '123').via,
      'redirect',
    );
    for (const d of [
      null,
      delivered(200, 'REDIRECT='),
      delivered(200, 'REDIRECT=/relative'),
      delivered(200, 'OK'),
      delivered(200, '<html>REDIRECT=https://shop.example/ok</html>'),
      delivered(500, 'REDIRECT=https://shop.example/ok'),
      delivered(302, ''),
      { at: 0, error: 'ECONNREFUSED', latencyMs: 1, answer: '' },
    ]) {
      assert.deepEqual(destinationOf(d, init.errorURL, '123'), error, JSON.stringify(d));
    }
    assert.equal(errorUrlOf('https://x.example/e?a=1', '9'), 'https://x.example/e?a=1&PaymentID=9');
  });
});
