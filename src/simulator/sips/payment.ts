import { encodeForm } from '../../gateways/_shared/form-codec.js';
import type { SimClock } from '../_shared/clock.js';
import type { Notifier } from '../_shared/notifier.js';
import type { SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import type { Scenario } from '../platform.js';
import { type ResponseFacts, responseForm, responsePairs } from './fields.js';
import type { ResponseJob, ResponseRecord } from './notifier.js';
import { OUTCOME, RESPONSE_CODE, type TxState } from './transactions.js';
import type { SipsOutcome } from './types.js';

export interface PaymentContext {
  readonly clock: SimClock;
  readonly random: SimRandom;
  readonly notifier: Notifier<ResponseJob>;
}

/** The manual response: what the Paypage makes the shopper's browser post to normalReturnUrl. */
export interface ReturnPayload {
  readonly returnUrl: string;
  readonly method: 'POST';
  readonly fields: Record<string, string>;
}

/**
 * The shopper acted: settle the transaction, schedule its automatic response (faults included) and give back the
 * manual response. Sips sends ONE automatic response per payment: there is no separate capture notice (Sips captures
 * an AUTHOR_CAPTURE authorisation by itself, silently; Office then says TO_CAPTURE/CAPTURED). Hence the faults:
 * - drop / drop-all / delay / duplicate: on the automatic response, as faults.ts says;
 * - reorder: nothing to reorder (one response per payment; the manual one goes through the browser on its own
 *   path), so it is recorded and does nothing. The platform does not list it among its fault kinds;
 * - bad-signature: one extra automatic response claiming the opposite outcome (05 for an accepted payment, 00 for a
 *   refused or cancelled one), sealed with a wrong key, after the genuine one's first try, never retried;
 * - wrong-amount: every genuine response, manual included, and Office say amount + 1, correctly sealed.
 * Every request of a forgery carries `x-simulator-fault: forged`; the genuine ones of a wrong-amount payment carry
 * `wrong-amount`.
 */
export function pay(ctx: PaymentContext, tx: TxState, scenario: Scenario, faults: Fault[]): ReturnPayload {
  const { clock, random, notifier } = ctx;
  const now = clock.now();
  const outcome = OUTCOME[scenario];
  tx.scenario = scenario;
  tx.outcome = outcome;
  tx.faults = faults;
  tx.settledAmount = tx.request.amount + (hasFault(faults, 'wrong-amount') ? 1 : 0);
  tx.actedAt = new Date();
  tx.authorisationId = random.digits(6);
  const facts: ResponseFacts = { tx, actedAt: tx.actedAt, authorisationId: tx.authorisationId };
  const genuine = responseForm(tx, responsePairs(facts, outcome, tx.settledAmount));
  const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
  const url = tx.request.automaticResponseUrl;
  const record = (responseCode: string, forged: boolean): ResponseRecord => {
    const r = {
      n: tx.responses.length + 1,
      responseCode,
      forged,
      delivered: false,
      gaveUp: false,
      attempts: [],
    };
    tx.responses.push(r);
    return r;
  };

  // Without automaticResponseUrl Sips sends no automatic response: the shop has only the manual one and Office.
  if (url !== '') {
    // The same form on every attempt: nothing in a Sips response says which try it is.
    const genuinePayload = { body: encodeForm(genuine), faultTags: tags };
    const firstDone = notifier.deliver({
      record: record(RESPONSE_CODE[outcome], false),
      url,
      firstAt: now + delayOf(faults),
      payload: () => genuinePayload,
      dropped: (index) => dropsAttempt(faults, index),
      duplicate: hasFault(faults, 'duplicate'),
      retry: true,
    });
    if (hasFault(faults, 'bad-signature')) {
      const claim: SipsOutcome =
        outcome === 'ACCEPTED' || outcome === 'ACCEPTED_TO_VALIDATE' ? 'REFUSED' : 'ACCEPTED';
      const forged = responseForm(tx, responsePairs(facts, claim, tx.settledAmount), true);
      const forgedPayload = { body: encodeForm(forged), faultTags: ['forged', ...tags] };
      notifier.deliver({
        record: record(RESPONSE_CODE[claim], true),
        url,
        firstAt: now + delayOf(faults),
        after: firstDone,
        payload: () => forgedPayload,
        dropped: () => false,
        duplicate: false,
        retry: false,
      });
    }
  }
  return { returnUrl: tx.request.normalReturnUrl, method: 'POST', fields: genuine };
}
