import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { startStripeSimulator } from './server.js';
import type { SimSession, StripeScenario } from './types.js';

/** Stripe's last word in ours: paid → captured, a failed delayed debit → refused, a session given up → expired. */
const TRUTH: Readonly<Record<StripeScenario, PaymentStatus>> = {
  paid: 'captured',
  refused: 'refused',
  cancelled: 'expired',
};

export function stripeTruth(session: Pick<SimSession, 'scenario'>): PaymentStatus | null {
  return session.scenario === null ? null : TRUTH[session.scenario];
}

/** The Stripe simulator behind the common platform interface (demo, e2e). */
export const stripePlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const secretKey = `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const simulator = await startStripeSimulator({
    secretKeys: [secretKey],
    webhookSecrets: [webhookSecret],
    timeScale,
    seed,
  });
  return {
    gateway: 'stripe',
    credentials: { secretKey, webhookSecret, apiBase: simulator.apiBase },
    scenarios: ['paid', 'refused', 'cancelled'],
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'reorder', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      if (scenario === 'authorised-only') throw new Error('the Stripe simulator models no manual capture');
      const { txn } = await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: returns });
      return txn;
    },
    outcome(id): PlatformOutcome | undefined {
      const session = simulator.session(id);
      if (!session) return undefined;
      return {
        truth: stripeTruth(session),
        orderAmount: session.orderAmount,
        settledAmount: session.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
