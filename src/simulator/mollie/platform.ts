import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome, Scenario } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { startMollieSimulator } from './server.js';
import type { MollieScenario, SimPayment } from './types.js';

/** Mollie's last word in ours: paid → captured, failed → refused, canceled → cancelled… */
const TRUTH: Readonly<Record<MollieScenario, PaymentStatus>> = {
  paid: 'captured',
  failed: 'refused',
  canceled: 'cancelled',
  expired: 'expired',
  authorized: 'authorized',
};

/** The common scenarios in Mollie's words. */
const SCENARIO: Readonly<Record<Scenario, MollieScenario>> = {
  paid: 'paid',
  refused: 'failed',
  cancelled: 'canceled',
  'authorised-only': 'authorized',
};

export function mollieTruth(payment: Pick<SimPayment, 'scenario'>): PaymentStatus | null {
  return payment.scenario === null ? null : TRUTH[payment.scenario];
}

/** The Mollie simulator behind the common platform interface (demo, e2e). */
export const molliePlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const apiKey = `test_${randomBytes(15).toString('hex')}`;
  const simulator = await startMollieSimulator({ apiKeys: [apiKey], timeScale, seed });
  return {
    gateway: 'mollie',
    credentials: { apiKey, apiBase: simulator.apiBase },
    scenarios: ['paid', 'refused', 'cancelled', 'authorised-only'],
    // One webhook per status change and one change per payment here: `reorder` means nothing.
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      const { txn } = await payAsCustomer({
        checkout,
        scenario: SCENARIO[scenario],
        faults: [...faults],
        followReturn: returns,
      });
      return txn;
    },
    outcome(id): PlatformOutcome | undefined {
      const payment = simulator.payment(id);
      if (!payment) return undefined;
      return {
        truth: mollieTruth(payment),
        orderAmount: payment.orderAmount,
        settledAmount: payment.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
