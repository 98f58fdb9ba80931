import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testAccount as adyenAccount } from '../gateways/adyen/fixtures.js';
import type { GatewayAccount, NotificationCheck, RawRequest } from '../gateways/gateway.js';
import { testAccount as lyraAccount } from '../gateways/lyra/fixtures/notification.js';
import { findAdapter } from '../gateways/registry.js';
import { testAccount as sipsAccount } from '../gateways/sips/fixtures/notification.js';
import { standardWebhooksCredentialsSchema } from '../gateways/standard-webhooks/credentials.js';
import { TEST_SECRET as SW_SECRET } from '../gateways/standard-webhooks/fixtures.js';
import { testAccount as stripeAccount } from '../gateways/stripe/fixtures/events.js';
import { testAccount as trivenetoAccount } from '../gateways/triveneto/fixtures.js';
import { findProfile, profileIds } from './profiles.js';

const NOW = new Date('2026-03-14T23:05:09.250Z');

/** A Standard Webhooks account whose sender lays its payload out its own way, with its own status words. */
const standardWebhooksAccount: GatewayAccount = {
  id: 'shop-sw',
  gateway: 'standard-webhooks',
  mode: 'test',
  credentials: standardWebhooksCredentialsSchema.parse({
    secret: SW_SECRET,
    checkoutUrl: 'https://pay.example/checkout',
    mapping: {
      reference: 'order.ref',
      status: '/order/state',
      statuses: { SETTLED: 'captured', DECLINED: 'refused' },
      amount: null,
      currency: null,
      gatewayRef: '/order/id',
      type: '/event',
      types: ['order.updated'],
    },
  }),
};

/** The probe as quittance's own adapter for that gateway reads it. */
function verify(
  gateway: string,
  account: GatewayAccount | undefined,
  verifyWith: GatewayAccount,
): NotificationCheck {
  const profile = findProfile(gateway);
  const adapter = findAdapter(gateway);
  assert.ok(profile && adapter);
  const probe = profile.buildProbe(account, NOW);
  const raw: RawRequest = {
    method: 'POST',
    path: `/notify/${verifyWith.id}`,
    query: '',
    headers: { ...probe.headers, 'content-type': profile.contentType },
    body: Buffer.from(probe.body),
    sourceIp: '127.0.0.1',
    receivedAt: NOW,
  };
  return adapter.verifyNotification(verifyWith, raw);
}

describe('doctor probes', () => {
  for (const [gateway, account] of [
    ['lyra', lyraAccount],
    ['sips', sipsAccount],
    ['triveneto', trivenetoAccount],
    ['adyen', adyenAccount],
    ['stripe', stripeAccount],
    ['standard-webhooks', standardWebhooksAccount],
  ] as const) {
    it(`${gateway}: signed with the account, the adapter verifies it, and it names no real payment`, () => {
      const check = verify(gateway, account, account);
      assert.equal(check.kind, 'verified', JSON.stringify(check));
      if (check.kind !== 'verified') return;
      for (const signal of check.signals) {
        assert.notEqual(signal.status, 'captured');
        assert.notEqual(signal.status, 'authorized');
        const { merchantRef, paymentId } = signal.lookup;
        assert.ok(!merchantRef?.startsWith('pay_') && !paymentId?.startsWith('pay_'));
      }
    });

    it(`${gateway}: without an account, the adapter refuses it as unsigned`, () => {
      const check = verify(gateway, undefined, account);
      assert.equal(check.kind, 'rejected', JSON.stringify(check));
      if (check.kind === 'rejected') {
        assert.ok(['SIGNATURE_MISSING', 'SITE_MISMATCH'].includes(check.code), check.code);
      }
    });
  }

  it('lyra: the probe uses a transaction id Lyra reserves for itself, never one quittance issues', () => {
    const check = verify('lyra', lyraAccount, lyraAccount);
    assert.ok(check.kind === 'verified');
    assert.match(check.signals[0]?.lookup.merchantRef ?? '', /^\d{8}-999999$/);
  });

  it('payplug, taler and mollie: a well-formed notification the adapter defers to a fetch-back', () => {
    for (const gateway of ['payplug', 'taler', 'mollie']) {
      const profile = findProfile(gateway);
      assert.ok(profile);
      const account = { id: 'acc', gateway, mode: 'test' as const, credentials: {} };
      const check = verify(gateway, account, account);
      assert.equal(check.kind, 'deferred', `${gateway}: ${JSON.stringify(check)}`);
      assert.equal(profile.buildProbe(account, NOW).signed, false);
    }
  });

  it('standard-webhooks: the probe follows the account mapping (its status word, its tracked event type)', () => {
    const check = verify('standard-webhooks', standardWebhooksAccount, standardWebhooksAccount);
    assert.ok(check.kind === 'verified', JSON.stringify(check));
    assert.equal(check.signals.length, 1);
    assert.equal(check.signals[0]?.status, 'refused');
    assert.equal(check.signals[0]?.lookup.merchantRef, `doctor-probe-${NOW.getTime()}`);
  });

  it('stripe: signed at the probe time, so a clock more than 300 s away refuses it as stale', () => {
    const profile = findProfile('stripe');
    const adapter = findAdapter('stripe');
    assert.ok(profile && adapter);
    const probe = profile.buildProbe(stripeAccount, NOW);
    const late = new Date(NOW.getTime() + 301_000);
    const check = adapter.verifyNotification(stripeAccount, {
      method: 'POST',
      path: '/notify/shop-stripe',
      query: '',
      headers: { ...probe.headers, 'content-type': profile.contentType },
      body: Buffer.from(probe.body),
      sourceIp: '127.0.0.1',
      receivedAt: late,
    });
    assert.equal(check.kind, 'rejected');
    if (check.kind === 'rejected') assert.equal(check.code, 'TIMESTAMP_OUT_OF_TOLERANCE');
  });

  it("paypal: an IPN for the account's receiver and mode, which the adapter defers to the postback", () => {
    for (const mode of ['test', 'live'] as const) {
      const account = {
        id: 'acc',
        gateway: 'paypal',
        mode,
        credentials: { receiverEmail: 'shop@example.com' },
      };
      const check = verify('paypal', account, account);
      assert.equal(check.kind, 'deferred', `${mode}: ${JSON.stringify(check)}`);
    }
  });

  it('every probe names its doctor-probe reference', () => {
    for (const gateway of [undefined, ...profileIds()]) {
      const probe = findProfile(gateway)?.buildProbe(undefined, NOW);
      assert.ok(probe);
      assert.equal(probe.orderRef, `doctor-probe-${NOW.getTime()}`);
      // Sips hides the reference in its Data field; a Mollie webhook carries only an id (tr_doctorprobe<time>).
      const shown = gateway === 'mollie' ? `doctorprobe${NOW.getTime()}` : probe.orderRef;
      assert.ok(probe.body.includes(shown) || gateway === 'sips', `${gateway}: ${probe.body}`);
    }
  });
});
