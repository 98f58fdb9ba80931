import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomerError } from '../_shared/customer.js';
import { payAsCustomer } from './customer.js';
import { checkoutOf, harness, initFields, paymentInit } from './testkit.js';

const onlyReceived = (fields: Record<string, string>) => {
  const { tranid: _t, auth: _a, postdate: _p, ...rest } = fields;
  return rest;
};

describe('triveneto simulator: PaymentInit and the hosted page', {
  timeout: 30_000,
  concurrency: true,
}, () => {
  it('answers PaymentID:PaymentURL; the page answers JSON { txn } or HTML', async (t) => {
    const { sim, merchant } = await harness(t);
    const answer = await paymentInit(sim, initFields(merchant));
    const match = /^(\d{18}):(http:\/\/.+)$/.exec(answer);
    assert.ok(match, answer);
    assert.equal(match[2], sim.paymentUrl);
    const checkout = checkoutOf(answer);
    const json = await fetch(checkout.url, { headers: { accept: 'application/json' } });
    assert.deepEqual(await json.json(), { txn: match[1] });
    const html = await fetch(checkout.url);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await html.text(), /value="paid".*value="refused"/s);
    assert.equal((await fetch(`${sim.paymentUrl}&PaymentID=404`)).status, 404);
    assert.equal(sim.transactions()[0]?.result, null);
  });

  it('refuses bad credentials with !ERROR! and opens nothing', async (t) => {
    const { sim, merchant } = await harness(t);
    assert.match(await paymentInit(sim, initFields(merchant, { password: 'nope' })), /^!ERROR!SIM001-/);
    assert.deepEqual(sim.transactions(), []);
  });
});

describe('triveneto simulator: the shopper acts', { timeout: 30_000, concurrency: true }, () => {
  it('paid: one NotificationMessage CAPTURED echoing PaymentInit; the customer goes to REDIRECT=', async (t) => {
    const { sim, merchant, start } = await harness(t);
    const checkout = await start({ trackid: 'T-paid', udf3: 'three' });
    const paid = await payAsCustomer({ checkout, scenario: 'paid' });
    assert.equal(paid.result, 'CAPTURED');
    assert.deepEqual(paid.destination, { via: 'redirect', location: `${merchant.thanksUrl}?order=T-paid` });
    assert.deepEqual(paid.followed, { status: 200, location: null });
    const [message, ...others] = merchant.notifications();
    assert.deepEqual(others, []);
    assert.ok(message);
    assert.deepEqual(onlyReceived(message.fields), {
      paymentid: paid.txn,
      result: 'CAPTURED',
      trackid: 'T-paid',
      udf1: 'pay_123',
      udf2: '1250 EUR',
      udf3: 'three',
      udf4: 'a'.repeat(64),
      udf5: '',
    });
    assert.match(message.fields.auth ?? '', /^\d{6}$/);
    assert.match(message.fields.tranid ?? '', /^\d{16}$/);
    assert.match(message.fields.postdate ?? '', /^\d{4}$/);
    assert.equal(message.fault, null);
    assert.equal(message.headers['user-agent'], 'triveneto-simulator');
    const [tx] = sim.transactions();
    assert.deepEqual(
      [tx?.scenario, tx?.result, tx?.notifications.length, tx?.notifications[0]?.delivery?.status],
      ['paid', 'CAPTURED', 1, 200],
    );
  });

  it('refused: NOT CAPTURED or DENIED BY RISK, no auth code', async (t) => {
    const { merchant, start } = await harness(t);
    const refused = await payAsCustomer({ checkout: await start(), scenario: 'refused' });
    assert.ok(['NOT CAPTURED', 'DENIED BY RISK'].includes(refused.result));
    assert.equal(merchant.notifications()[0]?.fields.auth, '');
  });

  it('Authorization terminal: authorised-only gives APPROVED; paid cannot be played there', async (t) => {
    const { merchant, start } = await harness(t);
    const approved = await payAsCustomer({
      checkout: await start({ action: '4' }),
      scenario: 'authorised-only',
    });
    assert.equal(approved.result, 'APPROVED');
    assert.equal(merchant.notifications()[0]?.fields.result, 'APPROVED');
    await assert.rejects(
      payAsCustomer({ checkout: await start({ action: '4' }), scenario: 'paid' }),
      (e: unknown) => e instanceof CustomerError && e.status === 400 && /action 4/.test(e.body),
    );
  });

  it('refuses what the protocol cannot express and a second action on the same page', async (t) => {
    const { start } = await harness(t);
    const checkout = await start();
    for (const [scenario, kind] of [
      ['cancelled', undefined],
      ['paid', 'wrong-amount'],
      ['paid', 'reorder'],
    ] as const) {
      await assert.rejects(
        payAsCustomer({ checkout, scenario, ...(kind ? { faults: [{ kind }] } : {}) }),
        (e: unknown) => e instanceof CustomerError && e.step === 'pay' && e.status === 400,
      );
    }
    await payAsCustomer({ checkout, scenario: 'paid' });
    await assert.rejects(
      payAsCustomer({ checkout, scenario: 'paid' }),
      (e: unknown) => e instanceof CustomerError && e.step === 'checkout' && e.status === 409,
    );
  });
});

describe('triveneto simulator: the merchant cannot be reached (no retries)', {
  timeout: 30_000,
  concurrency: true,
}, () => {
  const cases: ReadonlyArray<[string, Parameters<typeof harness>[1]]> = [
    ['answers 500', { answer: () => ({ status: 500, body: 'REDIRECT=https://shop.example/x' }) }],
    ['answers OK without REDIRECT=', { answer: () => ({ status: 200, body: 'OK' }) }],
    ['answers REDIRECT= with a relative URL', { answer: () => ({ status: 200, body: 'REDIRECT=/x' }) }],
    [
      'answers too late (the gateway times out)',
      { answer: () => ({ hold: new Promise((r) => setTimeout(r, 10_000).unref()) }) },
    ],
  ];
  for (const [what, options] of cases) {
    it(`${what}: one message only, the customer sent to errorURL?PaymentID=`, async (t) => {
      const { sim, merchant, start } = await harness(t, options);
      const paid = await payAsCustomer({ checkout: await start(), scenario: 'paid', follow: () => false });
      assert.deepEqual(paid.destination, {
        via: 'error-url',
        location: `${merchant.errorUrl}?PaymentID=${paid.txn}`,
      });
      await sim.idle();
      assert.equal(merchant.notifications().length, 1);
      assert.equal(sim.transactions()[0]?.notifications.length, 1);
    });
  }

  it('nobody listens: the delivery error is kept, the customer goes to errorURL', async (t) => {
    const { sim, merchant, start } = await harness(t);
    const checkout = await start({ responseURL: 'http://127.0.0.1:9/notify' });
    const paid = await payAsCustomer({ checkout, scenario: 'paid', follow: () => false });
    assert.equal(paid.destination.via, 'error-url');
    assert.ok(sim.transactions()[0]?.notifications[0]?.delivery?.error);
    assert.deepEqual(merchant.notifications(), []);
  });
});

describe('triveneto simulator: faults', { timeout: 30_000, concurrency: true }, () => {
  it('drop: nothing reaches the merchant, the customer goes to errorURL (and follows it)', async (t) => {
    const { sim, merchant, start } = await harness(t);
    const paid = await payAsCustomer({
      checkout: await start(),
      scenario: 'paid',
      faults: [{ kind: 'drop' }],
    });
    assert.equal(paid.destination.via, 'error-url');
    assert.equal(paid.followed?.status, 200);
    assert.deepEqual(merchant.notifications(), []);
    const [n] = sim.transactions()[0]?.notifications ?? [];
    assert.deepEqual([n?.dropped, n?.delivery, n?.result], [true, null, 'CAPTURED']);
  });

  it('duplicate: the same message twice, the second tagged; the customer follows the first answer', async (t) => {
    const { merchant, start } = await harness(t, {
      answer: (_r, i, m) => ({ body: `REDIRECT=${m.thanksUrl}?answer=${i}` }),
    });
    const paid = await payAsCustomer({
      checkout: await start(),
      scenario: 'paid',
      faults: [{ kind: 'duplicate' }],
    });
    assert.equal(paid.destination.location, `${merchant.thanksUrl}?answer=0`);
    const [first, second] = merchant.notifications();
    assert.deepEqual(second?.fields, first?.fields);
    assert.deepEqual([first?.fault, second?.fault], [null, 'duplicate']);
  });

  it('bad-signature: after the genuine message, a forgery claiming the opposite with another udf4', async (t) => {
    const { merchant, start } = await harness(t);
    const paid = await payAsCustomer({
      checkout: await start(),
      scenario: 'paid',
      faults: [{ kind: 'bad-signature' }],
    });
    assert.equal(paid.destination.via, 'redirect');
    const [genuine, forged] = merchant.notifications();
    assert.deepEqual([genuine?.fields.result, genuine?.fault], ['CAPTURED', null]);
    assert.deepEqual([forged?.fields.result, forged?.fault], ['NOT CAPTURED', 'forged']);
    assert.notEqual(forged?.fields.udf4, genuine?.fields.udf4);
    assert.equal(forged?.fields.paymentid, genuine?.fields.paymentid);
  });

  it('bad-signature with drop: only the forgery arrives, the customer goes to errorURL', async (t) => {
    const { merchant, start } = await harness(t);
    const refused = await payAsCustomer({
      checkout: await start(),
      scenario: 'refused',
      faults: [{ kind: 'drop' }, { kind: 'bad-signature' }],
      follow: () => false,
    });
    assert.equal(refused.destination.via, 'error-url');
    assert.deepEqual(
      merchant.notifications().map((n) => [n.fields.result, n.fault]),
      [['CAPTURED', 'forged']],
    );
  });

  it('delay: the message still goes out once, before the customer is sent on', async (t) => {
    const { merchant, start } = await harness(t);
    const paid = await payAsCustomer({
      checkout: await start(),
      scenario: 'paid',
      faults: [{ kind: 'delay', ms: 30 }],
    });
    assert.equal(paid.destination.via, 'redirect');
    assert.equal(merchant.notifications().length, 1);
  });
});
