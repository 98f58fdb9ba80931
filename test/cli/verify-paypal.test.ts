import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MerchantServer, startMerchantServer } from '../../src/simulator/_shared/merchant.js';
import {
  type PaypalSimulator,
  payAsCustomer,
  SIM_ACCOUNT,
  startPaypalSimulator,
} from '../../src/simulator/paypal/index.js';
import { runCliAsync } from './run-cli.js';

describe('quittance verify paypal: decodes the IPN, then posts it back', () => {
  let simulator: PaypalSimulator;
  let merchant: MerchantServer;
  const received: Buffer[] = [];
  let ipn = '';

  before(async () => {
    simulator = await startPaypalSimulator({ account: SIM_ACCOUNT, retries: false, charset: 'windows-1252' });
    merchant = await startMerchantServer((_req, body) => {
      received.push(body);
      return {};
    });
    await payAsCustomer({
      checkout: {
        method: 'POST',
        url: simulator.checkoutUrl,
        fields: {
          cmd: '_xclick',
          business: SIM_ACCOUNT.primaryEmail,
          item_name: 'Crème brûlée — 2×',
          amount: '12.50',
          currency_code: 'EUR',
          invoice: 'pay_verifycli',
          custom: 'pay_verifycli',
          notify_url: `${merchant.url}/notify`,
          return: `${merchant.url}/return`,
          cancel_return: `${merchant.url}/return?cancelled=1`,
          charset: 'utf-8',
        },
      },
      scenario: 'paid',
      followReturn: false,
    });
    await simulator.idle();
    ipn = (received.at(-1) ?? Buffer.alloc(0)).toString('latin1');
  });
  after(async () => {
    await simulator.close();
    await merchant.close();
  });

  const verify = (body: string, secret = SIM_ACCOUNT.primaryEmail) =>
    runCliAsync(['verify', 'paypal', '--secret', secret, '--verify-url', simulator.verifyUrl], body);

  it('shows the deferred check and the IPN as PayPal vouches for it (VERIFIED), exit 0', async () => {
    assert.match(ipn, /charset=windows-1252/);
    const r = await verify(ipn);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.check.kind, 'deferred');
    assert.equal(out.check.claimed, 'captured');
    assert.equal(out.check.lookup.paymentId, 'pay_verifycli');
    assert.equal(out.signals[0].status, 'captured');
    assert.equal(out.signals[0].amount.value, 1250);
    assert.equal(simulator.postbacks().at(-1)?.answer, 'VERIFIED');
  });

  it('a body changed by one byte is INVALID at PayPal: not valid, exit 1', async () => {
    const r = await verify(ipn.replace('mc_gross=12.50', 'mc_gross=12.51'));
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'UNKNOWN_AT_GATEWAY');
    assert.match(out.reason, /INVALID/);
  });

  it('an IPN for another receiver is refused before any postback; --secret must be an e-mail', async () => {
    const before = simulator.postbacks().length;
    const other = await verify(ipn, 'someone@example.com');
    assert.equal(other.status, 1);
    assert.equal(JSON.parse(other.stdout).code, 'SITE_MISMATCH');
    assert.equal(simulator.postbacks().length, before);
    const bad = await verify(ipn, 'not-an-email');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /primary e-mail/);
  });
});
