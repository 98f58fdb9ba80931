import { encodeForm } from '../../gateways/_shared/form-codec.js';
import type { Notifier } from '../_shared/notifier.js';
import type { SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import type { LyraClock } from './clock.js';
import { type CheckSource, lyraDate, type PaymentFacts, resultFields, signed } from './fields.js';
import type { IpnJob, IpnRecord } from './notifier.js';
import { INITIAL_STATUS, type TxState } from './transactions.js';
import type { Scenario, SimTransStatus } from './types.js';

export interface PaymentContext {
  readonly clock: LyraClock;
  readonly random: SimRandom;
  readonly notifier: Notifier<IpnJob>;
}

/** The browser return: what the hosted page makes the shopper's browser post. */
export interface ReturnPayload {
  readonly returnUrl: string;
  readonly method: 'POST';
  readonly fields: Record<string, string>;
}

interface Planned {
  readonly record: IpnRecord;
  readonly src: CheckSource;
  readonly firstAt: number;
}

/**
 * The shopper acted: settle the transaction, schedule its IPNs (faults included) and give back the
 * return. IPN #1 reports the payment at once (src PAY); for `paid`, IPN #2 reports the capture one
 * slot later (src BATCH). Retries carry src RETRY, re-signed.
 */
export function pay(ctx: PaymentContext, tx: TxState, scenario: Scenario, faults: Fault[]): ReturnPayload {
  const { clock, random, notifier } = ctx;
  const now = clock.now();
  tx.scenario = scenario;
  tx.faults = faults;
  tx.settledAmount = tx.form.amount + (hasFault(faults, 'wrong-amount') ? 1 : 0);
  tx.actedAt = new Date();
  tx.authNumber = random.digits(6);
  const facts: PaymentFacts = {
    form: tx.form.fields,
    uuid: tx.uuid,
    settledAmount: tx.settledAmount,
    authNumber: tx.authNumber,
    createdAt: lyraDate(tx.actedAt),
  };
  const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
  const delay = delayOf(faults);
  const record = (n: number, status: SimTransStatus, forged = false): IpnRecord => {
    const ipn = { n, status, forged, delivered: false, gaveUp: false, attempts: [] };
    tx.ipns.push(ipn);
    return ipn;
  };

  const first: Planned = { record: record(1, INITIAL_STATUS[scenario]), src: 'PAY', firstAt: now + delay };
  const genuine = (p: Planned, after?: Promise<void>) => {
    const hash = random.hex(64);
    return notifier.deliver({
      record: p.record,
      url: tx.form.notifyUrl,
      firstAt: p.firstAt,
      ...(after ? { after } : {}),
      payload: (index) => ({
        body: encodeForm(
          signed(resultFields(facts, p.record.status, index === 0 ? p.src : 'RETRY', hash), tx.form.shop),
        ),
        faultTags: tags,
      }),
      dropped: (index) => dropsAttempt(faults, index),
      duplicate: hasFault(faults, 'duplicate'),
      retry: true,
    });
  };

  let firstDone: Promise<void>;
  if (scenario === 'paid') {
    tx.captureAt = now + clock.slotMs;
    const capture: Planned = { record: record(2, 'CAPTURED'), src: 'BATCH', firstAt: tx.captureAt + delay };
    if (hasFault(faults, 'reorder')) {
      // IPN #1 is held back until IPN #2's first try is over: the merchant learns of the capture first.
      firstDone = genuine({ ...first, firstAt: capture.firstAt }, genuine(capture));
    } else {
      // The capture is due a slot later anyway; waiting for IPN #1's first try as well keeps the
      // order PAY-then-BATCH even when that try is slow, so only `reorder` ever inverts it.
      firstDone = genuine(first);
      genuine(capture, firstDone);
    }
  } else {
    firstDone = genuine(first);
  }

  if (hasFault(faults, 'bad-signature')) {
    const claim: SimTransStatus =
      scenario === 'paid' || scenario === 'authorised-only' ? 'REFUSED' : 'AUTHORISED';
    const forged = record(tx.ipns.length + 1, claim, true);
    const body = encodeForm(signed(resultFields(facts, claim, 'PAY', random.hex(64)), tx.form.shop, true));
    notifier.deliver({
      record: forged,
      url: tx.form.notifyUrl,
      firstAt: now + delay,
      after: firstDone,
      payload: () => ({ body, faultTags: ['forged', ...tags] }),
      dropped: () => false,
      duplicate: false,
      retry: false,
    });
  }

  return {
    returnUrl: outcomeReturnUrl(tx, scenario),
    method: 'POST',
    fields: signed(resultFields(facts, INITIAL_STATUS[scenario], undefined, ''), tx.form.shop),
  };
}

/** Lyra sends the shopper to the outcome's own URL when the form gave one, else to vads_url_return. */
function outcomeReturnUrl(tx: TxState, scenario: Scenario): string {
  const name = {
    paid: 'vads_url_success',
    'authorised-only': 'vads_url_success',
    refused: 'vads_url_refused',
    cancelled: 'vads_url_cancel',
  }[scenario];
  return tx.form.fields[name] || tx.form.returnUrl;
}
