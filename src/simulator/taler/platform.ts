import { randomBytes } from 'node:crypto';
import type { PaymentStatus } from '../../core/index.js';
import type { PlatformFactory, PlatformOutcome } from '../platform.js';
import { minorUnits } from './amount.js';
import { parsePayUri, startTalerSimulator } from './server.js';
import type { SimOrder } from './types.js';

/** The demo's currency: Taler's own test currency (exponent 2 for quittance, core/money.ts). */
export const DEMO_CURRENCY = 'KUDOS';
/**
 * The demo account's pay deadline: short, so that an order the customer never pays expires while the demo runs
 * (quittance's demo reconciliation polls 1, 2, 4, 8 and 15 s after creation).
 */
export const DEMO_PAY_DEADLINE_SECONDS = 3;

/**
 * The backend's last word in ours: paid (refunded in part or whole); expired for an order whose wallet will never pay
 * (scenario `cancelled`: the simulator knows it now, the backend says so at the pay deadline) or that is past its
 * deadline; else nothing yet.
 */
export function talerTruth(order: SimOrder, nowS = Math.floor(Date.now() / 1000)): PaymentStatus | null {
  if (order.status === 'paid') {
    const refunded = order.refunds.at(-1)?.totalUnits ?? 0n;
    if (refunded <= 0n) return 'captured';
    return refunded >= order.amountUnits ? 'refunded' : 'partially_refunded';
  }
  return order.scenario === 'cancelled' || nowS > order.payDeadline ? 'expired' : null;
}

/**
 * The Taler merchant backend simulator behind the common platform interface (demo, e2e). `pay()` plays the wallet
 * with the checkout's `walletUri` (the `taler://pay/…` URI quittance's waiting page shows as a QR code) and then, if
 * asked, the browser going to the order's fulfillment URL.
 *
 * The merchant registers its webhooks once (`POST /private/webhooks`); here the platform does it on the first
 * payment, pointing at quittance's notification URL for the account, which it reads off the order's fulfillment URL
 * (quittance's return URL `…/return/<account>/<payment>` when the shop gave none). Without it, no webhook is sent and
 * quittance learns everything from the long-poll, the return and reconciliation.
 */
export const talerPlatform: PlatformFactory = async ({ seed, timeScale }) => {
  const token = `secret-token:${randomBytes(16).toString('hex')}`;
  const simulator = await startTalerSimulator({ tokens: [token], currency: DEMO_CURRENCY, timeScale, seed });
  let webhooksSet = false;
  return {
    gateway: 'taler',
    credentials: {
      backendUrl: simulator.backendUrl,
      token,
      currency: DEMO_CURRENCY,
      payDeadlineSeconds: DEMO_PAY_DEADLINE_SECONDS,
      refundDelaySeconds: 3600,
    },
    // A wallet pays or never does: no refusal, no deferred capture.
    scenarios: ['paid', 'cancelled'],
    // One pay webhook per order: reorder means nothing; the wallet pays the signed contract amount: no wrong-amount.
    faultKinds: ['drop', 'drop-all', 'delay', 'duplicate', 'bad-signature'],
    currency: DEMO_CURRENCY,
    async pay({ checkout, scenario, faults, returns }) {
      if (scenario !== 'paid' && scenario !== 'cancelled') {
        throw new Error(`a Taler wallet cannot play "${scenario}": it pays or never does`);
      }
      const walletUri = (checkout as { walletUri?: unknown }).walletUri;
      // Fallback when the API answer carries no walletUri: the order id is quittance's payment id, the one in the
      // waiting page's path (/pay/<payment id>/wait).
      const orderId =
        typeof walletUri === 'string'
          ? undefined
          : /\/pay\/([^/]+)\/wait$/.exec(new URL(checkout.url).pathname)?.[1];
      const order = simulator.order(
        typeof walletUri === 'string' ? (parsePayUri(walletUri)?.orderId ?? '') : (orderId ?? ''),
      );
      if (!webhooksSet && order?.fulfillmentUrl) {
        const notify = notifyUrlOf(order.fulfillmentUrl);
        if (notify) {
          simulator.configureQuittanceWebhooks(notify);
          webhooksSet = true;
        }
      }
      const acted = await fetch(new URL('/wallet/pay', simulator.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          ...(typeof walletUri === 'string' ? { talerPayUri: walletUri } : { orderId }),
          scenario,
          faults,
        }),
      });
      const answer = (await acted.json()) as {
        orderId?: string;
        fulfillmentUrl?: string | null;
        error?: unknown;
      };
      if (!acted.ok || typeof answer.orderId !== 'string') {
        throw new Error(
          `the simulated wallet failed: ${acted.status} ${JSON.stringify(answer).slice(0, 300)}`,
        );
      }
      if (returns && answer.fulfillmentUrl) {
        const back = await fetch(answer.fulfillmentUrl, { redirect: 'manual' });
        await back.body?.cancel();
      }
      return answer.orderId;
    },
    outcome(id): PlatformOutcome | undefined {
      const order = simulator.order(id);
      if (!order) return undefined;
      const amount = minorUnits(order.currency, order.amountUnits);
      return { truth: talerTruth(order), orderAmount: amount, settledAmount: amount };
    },
    idle: () => simulator.idle(),
    close: () => simulator.close(),
  };
};

/** quittance's notification URL for the account whose return URL this is (`/return/<account>/<payment>`). */
export function notifyUrlOf(fulfillmentUrl: string): string | undefined {
  try {
    const url = new URL(fulfillmentUrl);
    const m = /^(.*)\/return\/([^/]+)\/[^/]+$/.exec(url.pathname);
    return m ? `${url.origin}${m[1]}/notify/${m[2]}` : undefined;
  } catch {
    return undefined;
  }
}
