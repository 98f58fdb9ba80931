import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { PAYPAL_FAULT_KINDS, startPaypalSimulator } from './server.js';
import type { PaypalScenario, SimAccount, SimPayment } from './types.js';

/**
 * PayPal's last word in ours. A cancelled checkout leaves no transaction at PayPal (the buyer went back to
 * cancel_return; no IPN is sent): PayPal has no word, so the truth is null and quittance's payment stays open until
 * its reconciliation alert asks a person (no status API).
 */
const TRUTH: Readonly<Record<PaypalScenario, PaymentStatus | null>> = {
  paid: 'captured',
  refused: 'refused',
  cancelled: null,
};

export function paypalTruth(payment: Pick<SimPayment, 'scenario'>): PaymentStatus | null {
  return payment.scenario === null ? null : TRUTH[payment.scenario];
}

export const SIM_ACCOUNT: SimAccount = {
  primaryEmail: 'shop@example.com',
  otherEmails: ['sales@example.com'],
  merchantId: 'QSIMMERCHANT1',
};

/** The PayPal simulator behind the common platform interface (demo, e2e): a sandbox account. */
export const paypalPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const simulator = await startPaypalSimulator({ account: SIM_ACCOUNT, timeScale, seed });
  return {
    gateway: 'paypal',
    credentials: {
      receiverEmail: SIM_ACCOUNT.primaryEmail,
      receiverId: SIM_ACCOUNT.merchantId,
      verifyUrl: simulator.verifyUrl,
      checkoutUrl: simulator.checkoutUrl,
    },
    scenarios: ['paid', 'refused', 'cancelled'],
    faultKinds: PAYPAL_FAULT_KINDS,
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      if (scenario === 'authorised-only') throw new Error('the PayPal simulator models sale payments only');
      const { txn } = await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: returns });
      return txn;
    },
    outcome(txn): PlatformOutcome | undefined {
      const payment = simulator.payment(txn);
      if (!payment) return undefined;
      return {
        truth: paypalTruth(payment),
        orderAmount: payment.orderAmount,
        settledAmount: payment.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
