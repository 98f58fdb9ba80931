import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { startLyraSimulator } from './server.js';
import type { SimTransStatus } from './types.js';

/** The platform's last word in ours. */
const TRUTH: Readonly<Record<SimTransStatus, PaymentStatus>> = {
  AUTHORISED: 'authorized',
  AUTHORISED_TO_VALIDATE: 'authorized',
  CAPTURED: 'captured',
  REFUSED: 'refused',
  ABANDONED: 'cancelled',
};

export function lyraTruth(status: SimTransStatus | null): PaymentStatus | null {
  return status === null ? null : TRUTH[status];
}

const SITE_ID = '12345678';

/** The Lyra simulator behind the common platform interface (demo, e2e). */
export const lyraPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const key = randomBytes(16).toString('hex');
  const restPassword = `testpassword_${randomBytes(12).toString('hex')}`;
  const simulator = await startLyraSimulator({
    shops: [{ siteId: SITE_ID, key, algorithm: 'hmac-sha-256', restPassword }],
    timeScale,
    retries: true,
    seed,
  });
  return {
    gateway: 'lyra',
    credentials: {
      siteId: SITE_ID,
      key,
      algorithm: 'hmac-sha-256',
      paymentUrl: simulator.paymentUrl,
      restPassword,
      restUrl: simulator.statusUrl,
    },
    scenarios: ['paid', 'refused', 'cancelled', 'authorised-only'],
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'reorder', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      const { txn } = await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: returns });
      return txn;
    },
    outcome(txn): PlatformOutcome | undefined {
      const tx = simulator.transactions().find((t) => t.txn === txn);
      if (!tx) return undefined;
      return {
        truth: lyraTruth(tx.finalStatus),
        orderAmount: tx.orderAmount,
        settledAmount: tx.settledAmount,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
