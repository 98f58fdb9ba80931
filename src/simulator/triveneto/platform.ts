import { randomBytes } from 'node:crypto';
import type { PlatformFactory, PlatformOutcome, SimulatedPlatform } from '../platform.js';
import { payAsCustomer } from './customer.js';
import { SCENARIOS_BY_ACTION, TRUTH } from './notification.js';
import { TRIVENETO_FAULT_KINDS } from './payment.js';
import { startTrivenetoSimulator } from './server.js';

const TERMINAL_ID = '89025555';

/**
 * The Consorzio Triveneto simulator behind the common platform interface (demo, e2e), for a terminal doing `purchase`
 * (action 1: paid, refused) or `authorization` (action 4: authorised-only, refused).
 */
export async function createTrivenetoPlatform(options: {
  readonly seed: number;
  readonly timeScale: number;
  readonly action?: 'purchase' | 'authorization';
}): Promise<SimulatedPlatform> {
  const action = options.action ?? 'purchase';
  const password = `pw_${randomBytes(12).toString('hex')}`;
  const simulator = await startTrivenetoSimulator({
    terminals: [{ id: TERMINAL_ID, password }],
    timeScale: options.timeScale,
    seed: options.seed,
  });
  return {
    gateway: 'triveneto',
    credentials: {
      id: TERMINAL_ID,
      password,
      // Our own key for the udf4 security code: the gateway never sees it, it only echoes udf4.
      secret: randomBytes(24).toString('hex'),
      action,
      langid: 'ITA',
      environment: 'test',
      apiBase: simulator.servletBase,
    },
    scenarios: SCENARIOS_BY_ACTION[action === 'purchase' ? '1' : '4'],
    faultKinds: TRIVENETO_FAULT_KINDS,
    currency: 'EUR',
    async pay({ checkout, scenario, faults, returns }) {
      const { txn } = await payAsCustomer({
        checkout,
        scenario,
        faults,
        // The browser goes where the gateway sent it when it comes back at all, and only to quittance (the errorURL's
        // origin): the shop pages of the demo are fictional hosts.
        follow: (location) =>
          returns && sameOrigin(location, simulator.transaction(paymentIdOf(checkout.url))?.errorURL),
      });
      return txn;
    },
    outcome(txn): PlatformOutcome | undefined {
      const tx = simulator.transaction(txn);
      if (!tx) return undefined;
      // No wrong-amount: the NotificationMessage carries no amount, so the gateway settles the order's.
      return {
        truth: tx.result && TRUTH[tx.result],
        orderAmount: tx.amountMinor,
        settledAmount: tx.amountMinor,
      };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
}

export const trivenetoPlatform: PlatformFactory = (options) => createTrivenetoPlatform(options);

function paymentIdOf(checkoutUrl: string): string {
  return new URL(checkoutUrl).searchParams.get('PaymentID') ?? '';
}

function sameOrigin(location: string, other: string | undefined): boolean {
  return other !== undefined && URL.canParse(location) && new URL(location).origin === new URL(other).origin;
}
