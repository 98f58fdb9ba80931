import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import { CustomerError, fetchJson, land, postAction } from '../_shared/customer.js';
import type { PlatformFactory, PlatformOutcome, Scenario } from '../platform.js';
import { startStandardWebhooksSimulator } from './server.js';

const TRUTH: Readonly<Record<Scenario, PaymentStatus>> = {
  paid: 'captured',
  refused: 'refused',
  cancelled: 'cancelled',
  'authorised-only': 'authorized',
};

/** A generic Standard Webhooks sender behind the common platform interface (demo, e2e). */
export const standardWebhooksPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const simulator = await startStandardWebhooksSimulator({ secret, timeScale, seed });
  return {
    gateway: 'standard-webhooks',
    credentials: { secret, checkoutUrl: simulator.checkoutUrl },
    scenarios: ['paid', 'refused', 'cancelled', 'authorised-only'],
    // No drop-all: a generic sender has no status API, so a message never delivered cannot be recovered (the
    // payment stays open and reconciliation alerts a person).
    faultKinds: ['drop', 'delay', 'duplicate', 'reorder', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      if (checkout.method.toUpperCase() !== 'GET') {
        throw new CustomerError('checkout', 0, `the checkout is a link (GET), not ${checkout.method}`);
      }
      const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
        headers: { accept: 'application/json' },
      });
      const { returnUrl } = await postAction<{ returnUrl: string }>(new URL('/pay-act', checkout.url), {
        txn,
        scenario,
        faults,
      });
      if (returns) await land(returnUrl);
      return txn;
    },
    outcome(txn): PlatformOutcome | undefined {
      const payment = simulator.payment(txn);
      if (!payment) return undefined;
      return {
        truth: payment.scenario === null ? null : TRUTH[payment.scenario],
        orderAmount: payment.orderAmount,
        settledAmount: payment.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
