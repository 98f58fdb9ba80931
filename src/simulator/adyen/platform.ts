import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { startAdyenSimulator } from './server.js';
import type { AdyenScenario } from './types.js';

/** The platform's last word in ours (the account captures manually: AUTHORISATION, then CAPTURE). */
const TRUTH: Readonly<Record<AdyenScenario, PaymentStatus>> = {
  paid: 'captured',
  refused: 'refused',
  'authorised-only': 'authorized',
};

const MERCHANT_ACCOUNT = 'QuittanceDemoECOM';

/** The Adyen simulator behind the common platform interface (demo, e2e). */
export const adyenPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const apiKey = `AQE_${randomBytes(24).toString('base64url')}`;
  const hmacKey = randomBytes(32).toString('hex').toUpperCase();
  const simulator = await startAdyenSimulator({
    apiKeys: [apiKey],
    hmacKey,
    merchantAccount: MERCHANT_ACCOUNT,
    timeScale,
    seed,
  });
  return {
    gateway: 'adyen',
    credentials: {
      merchantAccount: MERCHANT_ACCOUNT,
      hmacKey,
      apiKey,
      environment: 'test',
      capture: 'manual',
      apiBase: simulator.apiBase,
    },
    scenarios: ['paid', 'refused', 'authorised-only'],
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'reorder', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      if (scenario === 'cancelled')
        throw new Error('Adyen sends nothing when a shopper leaves a payment link');
      const { txn } = await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: returns });
      return txn;
    },
    outcome(id): PlatformOutcome | undefined {
      const link = simulator.link(id);
      if (!link) return undefined;
      return {
        truth: link.scenario === null ? null : TRUTH[link.scenario],
        orderAmount: link.amount.value,
        settledAmount: link.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
