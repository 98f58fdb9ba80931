import { isFinal, PAYMENT_STATUSES, QuittanceError } from '../core/index.js';
import type { Engine } from './engine.js';
import {
  RECONCILE_OUTCOMES,
  type ReconcileOutcome,
  type ReconcileResult,
  reconcilePayment,
} from './reconcile.js';

/** Statuses a sweep looks at: everything not final (created, pending). */
const OPEN_STATUSES = PAYMENT_STATUSES.filter((s) => !isFinal(s));

export interface SweepOptions {
  /** Only payments created at least this long ago. */
  readonly olderThanMs: number;
  /** Only this account's payments. */
  readonly account?: string | undefined;
  /** Called after each payment (and once with done 0 before the first). */
  readonly onProgress?: (progress: {
    readonly done: number;
    readonly total: number;
    readonly last?: { readonly paymentId: string; readonly outcome: SweepOutcome };
  }) => void;
  /** Payments asked at the same time (default 4: a gateway is not to be hammered). */
  readonly concurrency?: number;
  /** Per question (default DEFAULT_STATUS_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

/** A reconcile outcome, or `error` when reconciling threw (the database failed, say). */
export type SweepOutcome = ReconcileOutcome | 'error';

export interface SweepSummary {
  /** Payments looked at. */
  readonly total: number;
  /** How many ended with each outcome (every outcome is present, 0 when none). */
  readonly outcomes: Readonly<Record<SweepOutcome, number>>;
  /** Of those, how many are final now. */
  readonly final: number;
  /** And how many are still not final. */
  readonly open: number;
  /** The first few errors, for the person running the sweep. */
  readonly errors: ReadonlyArray<{ readonly paymentId: string; readonly message: string }>;
  readonly durationMs: number;
}

const MAX_ERRORS_KEPT = 10;

/**
 * `quittance reconcile`: reconciles now, by hand, every payment not final and older than the
 * threshold, whatever its place in the janitor's schedule. Each goes through `reconcilePayment`,
 * so a sweep running beside the worker, or twice, is harmless: the state machine and the unique
 * keys make every repeated observation a duplicate.
 */
export async function sweepUnsettled(engine: Engine, options: SweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  if (!(options.olderThanMs >= 0)) {
    throw new QuittanceError('VALIDATION_FAILED', 'olderThanMs must be 0 or more', { field: 'olderThanMs' });
  }
  if (options.account !== undefined && !engine.config.accounts.has(options.account)) {
    throw new QuittanceError('UNKNOWN_ACCOUNT', `no account "${options.account}" is configured`);
  }
  const cutoff = engine.clock().getTime() - options.olderThanMs;
  let query = engine.store.db
    .selectFrom('payments')
    .select('id')
    .where('status', 'in', OPEN_STATUSES)
    .where('created_at', '<=', cutoff)
    .orderBy('created_at')
    .orderBy('id');
  if (options.account !== undefined) query = query.where('account_id', '=', options.account);
  const ids = (await query.execute()).map((r) => r.id);

  const outcomes = Object.fromEntries([...RECONCILE_OUTCOMES, 'error'].map((o) => [o, 0])) as Record<
    SweepOutcome,
    number
  >;
  const errors: Array<{ paymentId: string; message: string }> = [];
  let final = 0;
  let done = 0;
  options.onProgress?.({ done, total: ids.length });

  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const paymentId = ids[next++] as string;
      let outcome: SweepOutcome;
      try {
        const result: ReconcileResult = await reconcilePayment(engine, paymentId, {
          reason: 'sweep',
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        });
        outcome = result.outcome;
        if (isFinal(result.status)) final++;
      } catch (error) {
        outcome = 'error';
        if (errors.length < MAX_ERRORS_KEPT) {
          errors.push({ paymentId, message: error instanceof Error ? error.message : String(error) });
        }
        engine.logger.error({ err: error, paymentId }, 'sweep could not reconcile a payment');
      }
      outcomes[outcome]++;
      done++;
      options.onProgress?.({ done, total: ids.length, last: { paymentId, outcome } });
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, ids.length));
  await Promise.all(Array.from({ length: concurrency }, worker));

  return {
    total: ids.length,
    outcomes,
    final,
    open: ids.length - final,
    errors,
    durationMs: Math.round(performance.now() - started),
  };
}
