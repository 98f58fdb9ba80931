import type { Kysely } from 'kysely';
import { isFinal, isPaid, type PaymentStatus } from '../../core/index.js';
import type { PlatformOutcome } from '../../simulator/platform.js';
import type { Database } from '../../store/schema.js';

/** What the simulated platform ended with for the payment of one order reference. */
export interface OrderOutcome extends PlatformOutcome {
  readonly orderRef: string;
}

export interface Verdicts {
  readonly final: number;
  /** Not final but flagged for a person: surfaced, not lost. */
  readonly flagged: number;
  /** Finalised by the gateway, neither final nor flagged at quittance. */
  readonly lost: number;
  /** Final and unflagged, but not the gateway's last word (e.g. its capture notice never came). */
  readonly behindGateway: number;
  readonly wrongAmountAccepted: number;
  readonly conflictsFlagged: number;
  /** Two events for one payment milestone. */
  readonly duplicateEffects: number;
  /** Forged notifications not stored as rejected. */
  readonly forgedAccepted: number;
  readonly notifications: number;
  readonly notificationsRejected: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

/** Compares what quittance stored with what the simulated gateway did: the demo's and chaos run's verdicts. */
export async function judge(db: Kysely<Database>, outcomes: readonly OrderOutcome[]): Promise<Verdicts> {
  const payments = await db.selectFrom('payments').select(['order_ref', 'status', 'needs_review']).execute();
  const byOrder = new Map(payments.map((p) => [p.order_ref, p]));
  const byStatus: Record<string, number> = {};
  for (const p of payments) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
  const isFlagged = (p: { needs_review: number }) => Number(p.needs_review) === 1;

  let lost = 0;
  let behindGateway = 0;
  let wrongAmountAccepted = 0;
  for (const outcome of outcomes) {
    const ours = byOrder.get(outcome.orderRef);
    if (!ours || outcome.truth === null) continue;
    const status = ours.status as PaymentStatus;
    if (outcome.settledAmount !== outcome.orderAmount && isPaid(status)) wrongAmountAccepted++;
    if (!isFinal(status) && !isFlagged(ours)) lost++;
    else if (!isFlagged(ours) && outcome.truth !== status) behindGateway++;
  }

  const events = await db.selectFrom('events').select(['payment_id', 'type']).execute();
  const perEffect = new Map<string, number>();
  for (const e of events)
    perEffect.set(`${e.payment_id}:${e.type}`, (perEffect.get(`${e.payment_id}:${e.type}`) ?? 0) + 1);

  const inbox = await db.selectFrom('inbox').select(['verdict', 'headers_json', 'kind']).execute();
  const notifications = inbox.filter((e) => e.kind === 'notification');
  // The simulator lists every fault of a request in this header, comma-separated.
  const forged = notifications.filter((e) =>
    String(JSON.parse(e.headers_json)['x-simulator-fault'] ?? '')
      .split(',')
      .includes('forged'),
  );

  return {
    final: payments.filter((p) => isFinal(p.status as PaymentStatus)).length,
    flagged: payments.filter((p) => !isFinal(p.status as PaymentStatus) && isFlagged(p)).length,
    lost,
    behindGateway,
    wrongAmountAccepted,
    conflictsFlagged: payments.filter(isFlagged).length,
    duplicateEffects: [...perEffect.values()].reduce((sum, n) => sum + n - 1, 0),
    forgedAccepted: forged.filter((e) => e.verdict !== 'rejected').length,
    notifications: notifications.length,
    notificationsRejected: notifications.filter(
      (e) => e.verdict === 'rejected' || e.verdict === 'unparseable',
    ).length,
    byStatus,
  };
}
