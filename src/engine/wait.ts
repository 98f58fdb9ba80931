import { isFinal, QuittanceError } from '../core/index.js';
import { findPayment, type PaymentRecord } from '../store/repos/payments.js';
import type { Engine } from './engine.js';

/** Longest long-poll, in seconds, on the API and the customer's status route. */
export const MAX_WAIT_SECONDS = 60;

/** How often a waiting request re-reads the payment, for changes committed by other instances. */
const RECHECK_MS = 1_000;

/**
 * `?wait=N` as given: absent means 0 (answer at once); otherwise whole seconds, 0 to `max`.
 * Anything else is a VALIDATION_FAILED, so a typo never silently turns into "do not wait".
 */
export function waitSeconds(text: string | undefined, max = MAX_WAIT_SECONDS): number {
  if (text === undefined) return 0;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= max)) {
    throw new QuittanceError('VALIDATION_FAILED', `wait must be a whole number of seconds from 0 to ${max}`, {
      field: 'wait',
    });
  }
  return n;
}

/**
 * Resolves with the payment as soon as it is final, or after `ms`, or when `signal` aborts (the
 * client went away), whichever comes first; `undefined` when there is no such payment.
 *
 * Two ways to learn of a change: this process's bus (`announce` after every commit here, so the
 * common single-instance case answers at once), and a re-read every second for changes committed by
 * another instance sharing the database. Never rejects: a failed re-read is logged and the next one
 * tries again; every timer and listener is removed when it resolves.
 */
export async function waitForFinal(
  engine: Engine,
  paymentId: string,
  ms: number,
  signal?: AbortSignal,
): Promise<PaymentRecord | undefined> {
  const first = await findPayment(engine.store.db, paymentId);
  if (!first || isFinal(first.status) || ms <= 0 || signal?.aborted) return first;
  let latest: PaymentRecord = first;

  return new Promise<PaymentRecord>((resolve) => {
    let done = false;
    let reading = false;
    let again = false;

    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(ticker);
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve(latest);
    };

    const check = async () => {
      if (done) return;
      if (reading) {
        again = true; // a change announced during a read: read once more after it
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const now = await findPayment(engine.store.db, paymentId);
          if (now) latest = now;
          if (isFinal(latest.status)) return finish();
        } while (again && !done);
      } catch (error) {
        engine.logger.warn({ err: error, paymentId }, 'long-poll re-read failed; trying again');
      } finally {
        reading = false;
      }
    };

    const unsubscribe = engine.bus.onPaymentChanged((id) => {
      if (id === paymentId) void check();
    });
    const ticker = setInterval(() => void check(), RECHECK_MS);
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    // The payment may have changed between the first read and the subscription.
    void check();
  });
}
