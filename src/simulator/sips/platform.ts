import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { startSipsSimulator } from './server.js';
import type { SipsOutcome } from './types.js';

/** The platform's last word in ours (an accepted AUTHOR_CAPTURE payment is as good as captured: see gateways/sips/map.ts). */
const TRUTH: Readonly<Record<SipsOutcome, PaymentStatus>> = {
  ACCEPTED: 'captured',
  ACCEPTED_TO_VALIDATE: 'authorized',
  REFUSED: 'refused',
  CANCELLED: 'cancelled',
};

export function sipsTruth(outcome: SipsOutcome | null): PaymentStatus | null {
  return outcome === null ? null : TRUTH[outcome];
}

/** The simulation shop id published in the Worldline SDK READMEs (shared/protocols.md §1). */
const MERCHANT_ID = '002001000000001';

/** The Sips simulator behind the common platform interface (demo, e2e). */
export const sipsPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const secretKey = `${MERCHANT_ID}_${randomBytes(16).toString('hex')}`;
  const simulator = await startSipsSimulator({
    shops: [{ merchantId: MERCHANT_ID, secretKey, keyVersion: '1' }],
    timeScale,
    retries: true,
    seed,
  });
  return {
    gateway: 'sips',
    credentials: {
      merchantId: MERCHANT_ID,
      secretKey,
      keyVersion: '1',
      sealAlgorithm: 'HMAC-SHA-256',
      environment: 'simu',
      apiBase: simulator.apiBase,
      officeBase: simulator.officeBase,
    },
    scenarios: ['paid', 'refused', 'cancelled', 'authorised-only'],
    // No 'reorder': Sips sends one automatic response per payment, so there is nothing to reorder (payment.ts).
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'bad-signature', 'wrong-amount'],
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      const { txn } = await payAsCustomer({ checkout, scenario, faults: [...faults], followReturn: returns });
      return txn;
    },
    outcome(txn): PlatformOutcome | undefined {
      const tx = simulator.transaction(txn);
      if (!tx) return undefined;
      return { truth: sipsTruth(tx.outcome), orderAmount: tx.orderAmount, settledAmount: tx.settledAmount };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};
