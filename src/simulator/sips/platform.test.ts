import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import { sipsCredentialsSchema } from '../../gateways/sips/credentials.js';
import { sips } from '../../gateways/sips/index.js';
import { FAULT_KINDS } from '../faults.js';
import { sipsPlatform, sipsTruth } from './platform.js';

describe('sips simulator: common platform interface', { timeout: 30_000 }, () => {
  it('gives valid sips credentials pointing at itself, and plays a customer', async (t) => {
    const platform = await sipsPlatform({ seed: 3, timeScale: 0.0005 });
    t.after(() => platform.close());
    assert.equal(platform.gateway, 'sips');
    const credentials = sipsCredentialsSchema.parse(platform.credentials);
    assert.match(credentials.apiBase ?? '', /^http:\/\/127\.0\.0\.1:\d+\/paypage$/);
    assert.match(credentials.officeBase ?? '', /^http:\/\/127\.0\.0\.1:\d+\/office$/);
    assert.ok(platform.faultKinds.every((k) => FAULT_KINDS.includes(k)));
    assert.ok(!platform.faultKinds.includes('reorder'));

    const account = { id: 'demo', gateway: 'sips', mode: 'test' as const, credentials };
    const checkout = sips.createPayment(account, {
      paymentId: 'pay_01platform',
      orderRef: 'ORDER-P',
      merchantRef: 'pay01platform',
      amount: money(990, 'EUR'),
      now: new Date(),
      // Nobody listens there: the automatic response and the return fail, which is not what this test looks at.
      urls: {
        notify: 'http://127.0.0.1:9/notify',
        return: 'http://127.0.0.1:9/return',
        wait: 'http://127.0.0.1:9/wait',
      },
    });
    const key = await platform.pay({ checkout, scenario: 'authorised-only', faults: [], returns: false });
    assert.deepEqual(platform.outcome(key), { truth: 'authorized', orderAmount: 990, settledAmount: 990 });
    assert.equal(platform.outcome('nope'), undefined);
  });

  it('reads its outcomes in quittance words', () => {
    assert.deepEqual(
      (['ACCEPTED', 'ACCEPTED_TO_VALIDATE', 'REFUSED', 'CANCELLED', null] as const).map(sipsTruth),
      ['captured', 'authorized', 'refused', 'cancelled', null],
    );
  });
});
