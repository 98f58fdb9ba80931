/**
 * The adapter against the simulator (tests may import the adapter; the simulator's code may not): what the adapter
 * builds opens the Paypage, what the simulator sends verifies, and Office answers fetchStatus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { GatewayAccount, RawRequest, StatusAnswer } from '../../gateways/gateway.js';
import { type SipsCredentials, sipsCredentialsSchema } from '../../gateways/sips/credentials.js';
import { sips } from '../../gateways/sips/index.js';
import { sipsJsonSeal, sipsJsonSealString } from '../../gateways/sips/seal.js';
import { payAsCustomer } from './customer.js';
import { OFFICE_STATUS_PATH } from './office.js';
import { harness, type Received, SHOP } from './testkit.js';
import type { SipsSimulator } from './types.js';

type Account = GatewayAccount<SipsCredentials>;

function accountFor(sim: SipsSimulator, overrides: Partial<SipsCredentials> = {}): Account {
  return {
    id: 'acc_sips',
    gateway: 'sips',
    mode: 'test',
    credentials: sipsCredentialsSchema.parse({
      merchantId: SHOP.merchantId,
      secretKey: SHOP.secretKey,
      apiBase: sim.apiBase,
      officeBase: sim.officeBase,
      ...overrides,
    }),
  };
}

let payments = 0;
function checkoutOf(account: Account, notify: string, back: string, amount = 1250) {
  const paymentId = `pay_01sim${String(++payments).padStart(6, '0')}${process.pid}`;
  const merchantRef = sips.merchantRef({ paymentId } as Parameters<typeof sips.merchantRef>[0]);
  const checkout = sips.createPayment(account, {
    paymentId,
    orderRef: `ORDER-${payments}`,
    merchantRef,
    amount: money(amount, 'EUR'),
    now: new Date(),
    urls: { notify, return: back, wait: 'https://quittance.example/pay/wait' },
  });
  return { checkout, merchantRef, orderRef: `ORDER-${payments}`, amount };
}

function raw(rec: Received): RawRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec.headers)) if (typeof v === 'string') headers[k] = v;
  return {
    method: 'POST',
    path: rec.path,
    query: '',
    headers,
    body: rec.body,
    sourceIp: '127.0.0.1',
    receivedAt: new Date(),
  };
}

function status(account: Account, merchantRef: string): Promise<StatusAnswer> {
  return sips.fetchStatus?.(
    account,
    {
      paymentId: 'pay_x',
      orderRef: 'ORDER',
      merchantRef,
      gatewayRef: null,
      amount: money(1250, 'EUR'),
      createdAt: new Date(),
    },
    { fetch, signal: new AbortController().signal, now: new Date() },
  ) as Promise<StatusAnswer>;
}

describe('sips simulator and the sips adapter', { timeout: 30_000, concurrency: true }, () => {
  for (const sealAlgorithm of ['HMAC-SHA-256', 'SHA-256'] as const) {
    it(`the adapter's form opens the Paypage and its responses verify (${sealAlgorithm})`, async (t) => {
      const { sim, merchant } = await harness(t);
      const account = accountFor(sim, { sealAlgorithm });
      const expected = {
        paid: 'captured',
        refused: 'refused',
        cancelled: 'cancelled',
        'authorised-only': 'authorized',
      } as const;
      for (const scenario of Object.keys(expected) as (keyof typeof expected)[]) {
        const { checkout, merchantRef } = checkoutOf(account, merchant.notifyUrl, merchant.returnUrl);
        await payAsCustomer({ checkout, scenario });
        await sim.idle();
        const notice = merchant.notices().find((r) => r.data.transactionReference === merchantRef);
        const back = merchant.received.find(
          (r) => r.path === '/return' && r.data.transactionReference === merchantRef,
        );
        assert.ok(notice && back);
        for (const verdict of [
          sips.verifyNotification(account, raw(notice)),
          sips.readReturn?.(account, raw(back)),
        ]) {
          assert.ok(verdict && verdict.kind === 'verified', JSON.stringify(verdict));
          const [signal] = verdict.signals;
          assert.equal(signal?.status, expected[scenario]);
          assert.equal(signal?.gatewayRef, merchantRef);
          assert.deepEqual(signal?.amount, money(1250, 'EUR'));
        }
      }
    });
  }

  it('the adapter rejects the forgery and reads the wrong amount as sent', async (t) => {
    const { sim, merchant } = await harness(t);
    const account = accountFor(sim);
    const { checkout } = checkoutOf(account, merchant.notifyUrl, merchant.returnUrl);
    await payAsCustomer({
      checkout,
      scenario: 'paid',
      faults: [{ kind: 'bad-signature' }, { kind: 'wrong-amount' }],
      followReturn: false,
    });
    await sim.idle();
    const verdicts = merchant
      .notices()
      .map((r) => [r.fault, sips.verifyNotification(account, raw(r))] as const);
    const forged = verdicts.find(([fault]) => fault?.split(',').includes('forged'));
    assert.equal(forged?.[1].kind, 'rejected');
    const genuine = verdicts.find(([fault]) => fault === 'wrong-amount')?.[1];
    assert.ok(genuine?.kind === 'verified');
    assert.deepEqual(genuine.signals[0]?.amount, money(1251, 'EUR'));
  });

  it('Office: fetchStatus finds each outcome, sealed, with the settled amount', async (t) => {
    const { sim, merchant } = await harness(t);
    const account = accountFor(sim);
    const cases = [
      ['paid', 'captured', 'TO_CAPTURE', []],
      ['authorised-only', 'authorized', 'TO_VALIDATE', []],
      ['refused', 'refused', 'REFUSED', []],
      ['cancelled', 'cancelled', 'ABORTED', []],
      ['paid', 'captured', 'TO_CAPTURE', [{ kind: 'wrong-amount' }, { kind: 'drop-all' }]],
    ] as const;
    for (const [scenario, ours, word, faults] of cases) {
      const { checkout, merchantRef } = checkoutOf(account, merchant.notifyUrl, merchant.returnUrl);
      await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: false });
      const answer = await status(account, merchantRef);
      assert.ok(answer.kind === 'found', JSON.stringify(answer));
      const [signal] = answer.signals;
      assert.deepEqual(
        [signal?.status, signal?.gatewayStatus, signal?.gatewayRef],
        [ours, word, merchantRef],
      );
      assert.deepEqual(signal?.amount, money(faults.length > 0 ? 1251 : 1250, 'EUR'));
    }
    assert.deepEqual(
      sim.officeCalls().map((c) => c.responseCode),
      ['00', '00', '00', '00', '00'],
    );
  });

  it('Office: not-found (25) for an unknown reference and for one the shopper has not acted on', async (t) => {
    const { sim, merchant } = await harness(t);
    const account = accountFor(sim);
    assert.equal((await status(account, 'neverheardof')).kind, 'not-found');
    const { checkout, merchantRef } = checkoutOf(account, merchant.notifyUrl, merchant.returnUrl);
    const opened = await fetch(checkout.url, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams(checkout.fields),
    });
    assert.equal(opened.status, 200);
    assert.equal((await status(account, merchantRef)).kind, 'not-found');
    assert.deepEqual(
      sim.officeCalls().map((c) => [c.transactionReference, c.responseCode]),
      [
        ['neverheardof', '25'],
        [merchantRef, '25'],
      ],
    );
  });

  it('Office: a wrong key is 34 (not retryable), an unknown merchant 03, garbage 30', async (t) => {
    const { sim } = await harness(t);
    const wrongKey = await status(accountFor(sim, { secretKey: 'not-the-key' }), 'ref1');
    assert.ok(wrongKey.kind === 'failed' && !wrongKey.retryable && /34/.test(wrongKey.reason));
    const wrongVersion = await status(accountFor(sim, { keyVersion: '2' }), 'ref1');
    assert.ok(wrongVersion.kind === 'failed' && /34/.test(wrongVersion.reason));
    const stranger = await status(accountFor(sim, { merchantId: '999' }), 'ref1');
    assert.ok(stranger.kind === 'failed' && !stranger.retryable && /03/.test(stranger.reason));
    const garbage = await fetch(sim.officeBase + OFFICE_STATUS_PATH, { method: 'POST', body: 'nope' });
    assert.deepEqual(await garbage.json(), { responseCode: '30' });
  });

  it('Office: the answer seal covers every field but seal', async (t) => {
    const { sim, merchant } = await harness(t);
    const account = accountFor(sim);
    const { checkout, merchantRef } = checkoutOf(account, merchant.notifyUrl, merchant.returnUrl);
    await payAsCustomer({ checkout, scenario: 'paid', followReturn: false });
    const request = {
      interfaceVersion: 'DR_WS_2.27',
      merchantId: SHOP.merchantId,
      transactionReference: merchantRef,
    };
    const answer = (await (
      await fetch(sim.officeBase + OFFICE_STATUS_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...request,
          keyVersion: '1',
          seal: sipsJsonSeal(sipsJsonSealString(request), SHOP.secretKey),
        }),
      })
    ).json()) as Record<string, string | number>;
    assert.equal(answer.responseCode, '00');
    assert.equal(answer.seal, sipsJsonSeal(sipsJsonSealString(answer, ['seal']), SHOP.secretKey));
    assert.equal(answer.orderId, checkout.fields.Data?.match(/orderId=([^|]+)/)?.[1]);
  });
});
