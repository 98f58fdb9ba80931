import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { startPayplugSimulator } from './server.js';
import type { PayplugScenario, SimPayment } from './types.js';

/** The platform's last word in ours: paid → captured, card declined → refused, aborted → cancelled. */
const TRUTH: Readonly<Record<PayplugScenario, PaymentStatus>> = {
  paid: 'captured',
  refused: 'refused',
  cancelled: 'cancelled',
};

export function payplugTruth(payment: Pick<SimPayment, 'scenario'>): PaymentStatus | null {
  return payment.scenario === null ? null : TRUTH[payment.scenario];
}

/** The PayPlug simulator behind the common platform interface (demo, e2e). */
export const payplugPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const secretKey = `sk_test_${randomBytes(16).toString('hex')}`;
  const simulator = await startPayplugSimulator({ secretKeys: [secretKey], timeScale, seed });
  return {
    gateway: 'payplug',
    credentials: { secretKey, apiBase: simulator.apiBase },
    scenarios: ['paid', 'refused', 'cancelled'],
    // One notification per payment: `reorder` means nothing here.
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      if (scenario === 'authorised-only') throw new Error('the PayPlug simulator models no deferred capture');
      const { txn } = await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: returns });
      return txn;
    },
    outcome(id): PlatformOutcome | undefined {
      const payment = simulator.payment(id);
      if (!payment) return undefined;
      return {
        truth: payplugTruth(payment),
        orderAmount: payment.orderAmount,
        settledAmount: payment.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
