import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { startMerchantServer } from '../_shared/merchant.js';
import { MAX_RESENDS, resendDelay } from './clock.js';
import { payAsCustomer } from './customer.js';
import { encodeIpn } from './encode.js';
import { SIM_ACCOUNT } from './platform.js';
import { startPaypalSimulator } from './server.js';
import type { SimCharset } from './types.js';

describe('paypal simulator: resend schedule', () => {
  it('resends after 10 s, doubling, capped at 24 h, 16 times: about four days in all', () => {
    assert.equal(resendDelay(0), 10_000);
    assert.equal(resendDelay(1), 20_000);
    assert.equal(resendDelay(13), 81_920_000);
    assert.equal(resendDelay(14), 86_400_000);
    assert.equal(resendDelay(MAX_RESENDS), undefined);
    const total = Array.from({ length: MAX_RESENDS }, (_, i) => resendDelay(i) ?? 0).reduce(
      (a, b) => a + b,
      0,
    );
    assert.ok(total > 3.5 * 86_400_000 && total < 4.5 * 86_400_000, `${total / 86_400_000} days`);
  });
});

describe('paypal simulator: IPN encoding', () => {
  it('escapes the bytes of the charset: — is %97 in windows-1252, %E2%80%94 in utf-8; spaces are +', () => {
    assert.equal(encodeIpn([['item_name', 'A — b']], 'windows-1252'), 'item_name=A+%97+b');
    assert.equal(encodeIpn([['item_name', 'A — b']], 'utf-8'), 'item_name=A+%E2%80%94+b');
    assert.equal(encodeIpn([['x', 'ť']], 'windows-1252'), 'x=%3F', 'what windows-1252 lacks becomes ?');
  });
});

async function harness(t: TestContext, charset: SimCharset, answer: (n: number) => number = () => 200) {
  const bodies: string[] = [];
  const merchant = await startMerchantServer((_req, body, path) => {
    if (path !== '/notify') return {};
    bodies.push(body.toString('latin1'));
    return { status: answer(bodies.length) };
  });
  const sim = await startPaypalSimulator({ account: SIM_ACCOUNT, timeScale: 0.00001, seed: 9, charset });
  t.after(async () => {
    await sim.close();
    await merchant.close();
  });
  const fields = {
    cmd: '_xclick',
    business: SIM_ACCOUNT.otherEmails[0] ?? '',
    item_name: 'Crème brûlée — 2×',
    amount: '12.50',
    currency_code: 'EUR',
    invoice: 'INV-1',
    custom: 'pay_1',
    notify_url: `${merchant.url}/notify`,
    return: `${merchant.url}/return`,
    cancel_return: `${merchant.url}/return?cancelled=1`,
  };
  return { sim, bodies, fields };
}

describe('paypal simulator: server', () => {
  it('sends the IPN to notify_url, receiver_email the primary e-mail, and vouches only for the bytes it sent', async (t) => {
    const { sim, bodies, fields } = await harness(t, 'windows-1252');
    const { txn } = await payAsCustomer({
      checkout: { method: 'POST', url: sim.checkoutUrl, fields },
      scenario: 'paid',
      followReturn: false,
    });
    await sim.idle();
    const body = bodies.find((b) => b.includes('payment_status=Completed')) ?? '';
    assert.match(body, /receiver_email=shop%40example.com/);
    assert.match(body, /business=sales%40example.com/);
    assert.match(body, /item_name=Cr%E8me\+br%FBl%E9e\+%97\+2%D7/);
    assert.match(body, new RegExp(`txn_id=${txn}`));
    assert.match(body, /test_ipn=1/);
    const ask = async (b: string) =>
      (await fetch(sim.verifyUrl, { method: 'POST', body: `cmd=_notify-validate&${b}` })).text();
    assert.equal(await ask(body), 'VERIFIED');
    assert.equal(await ask(body.replace('mc_gross=12.50', 'mc_gross=12.51')), 'INVALID');
    assert.equal(await ask(`${body}&extra=1`), 'INVALID');
    assert.deepEqual(
      sim.postbacks().map((p) => p.answer),
      ['VERIFIED', 'INVALID', 'INVALID'],
    );
  });

  it('counts only HTTP 200 as delivered and resends otherwise, the same bytes each time', async (t) => {
    const { sim, bodies, fields } = await harness(t, 'utf-8', (n) => (n === 1 ? 204 : n === 2 ? 500 : 200));
    const { txn } = await payAsCustomer({
      checkout: { method: 'POST', url: sim.checkoutUrl, fields },
      scenario: 'paid',
      faults: [],
      followReturn: false,
    });
    await sim.idle();
    const ipns = sim.payment(txn)?.ipns ?? [];
    assert.ok(ipns.length >= 1 && ipns.every((i) => i.delivered), 'every IPN ends delivered');
    const attempts = ipns.flatMap((i) => i.attempts);
    assert.equal(attempts.length, ipns.length + 2, 'the 204 and the 500 were both resent');
    assert.deepEqual(
      attempts
        .map((a) => a.status)
        .filter((st) => st !== 200)
        .sort(),
      [204, 500],
    );
    assert.ok(
      bodies.every((b) => ipns.some((i) => i.body === b)),
      'every attempt carries the bytes of its IPN',
    );
  });

  it('refuses a button naming no account it knows, and sends no IPN when the buyer cancels', async (t) => {
    const { sim, bodies, fields } = await harness(t, 'utf-8');
    await assert.rejects(
      payAsCustomer({
        checkout: {
          method: 'POST',
          url: sim.checkoutUrl,
          fields: { ...fields, business: 'nobody@example.com' },
        },
        scenario: 'paid',
        followReturn: false,
      }),
      /business/,
    );
    const { returnUrl } = await payAsCustomer({
      checkout: { method: 'POST', url: sim.checkoutUrl, fields },
      scenario: 'cancelled',
      followReturn: false,
    });
    await sim.idle();
    assert.equal(returnUrl, fields.cancel_return);
    assert.equal(bodies.length, 0);
  });
});
