import { PAYMENT_STATUSES } from '../../core/index.js';
import type { PaymentView } from '../../engine/payments.js';
import { Badge, Money, Time } from '../components/bits.js';
import { CsrfInput } from '../components/layout.js';
import type { DashboardSession } from '../session.js';

/** What the timeline shows of the inbox entry behind a signal (the raw request already redacted). */
export interface InboxDetail {
  readonly id: string;
  readonly verdict: string;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly answerStatus: number | null;
  readonly raw: string | null;
}

type Signal = PaymentView['signals'][number];
type Event = PaymentView['events'][number];

type TimelineItem =
  | { readonly kind: 'signal'; readonly at: string; readonly id: string; readonly signal: Signal }
  | { readonly kind: 'event'; readonly at: string; readonly id: string; readonly event: Event };

/** Signals and the events they caused, in one order: by time, then id (ids sort by creation). */
export function timelineOf(view: PaymentView): TimelineItem[] {
  const items: TimelineItem[] = [
    ...view.signals.map((s) => ({ kind: 'signal' as const, at: s.at, id: s.id, signal: s })),
    ...view.events.map((e) => ({ kind: 'event' as const, at: e.at, id: e.id, event: e })),
  ];
  // Within one millisecond a signal comes before the events it caused.
  const rank = (i: TimelineItem) => (i.kind === 'signal' ? 0 : 1);
  return items.sort((a, b) =>
    a.at !== b.at ? (a.at < b.at ? -1 : 1) : rank(a) !== rank(b) ? rank(a) - rank(b) : a.id < b.id ? -1 : 1,
  );
}

export function PaymentPage(props: {
  view: PaymentView;
  inbox: ReadonlyMap<string, InboxDetail>;
  session: DashboardSession;
}) {
  const { view, session } = props;
  const canAct = session.scope === 'write';
  return (
    <>
      <h1>
        Payment <span class="mono">{view.orderRef}</span> <Badge word={view.status} />
        {view.needsReview ? (
          <>
            {' '}
            <span class="badge bad">needs review</span>
          </>
        ) : null}
      </h1>
      <section class="card">
        <dl class="summary">
          <dt>Payment id</dt>
          <dd class="mono">{view.id}</dd>
          <dt>Account</dt>
          <dd>{view.account}</dd>
          <dt>Amount</dt>
          <dd>
            <Money value={view.amount.value} currency={view.amount.currency} />
          </dd>
          <dt>Gateway reference</dt>
          <dd class="mono">{view.gatewayRef ?? '—'}</dd>
          <dt>Created</dt>
          <dd>
            <Time at={view.createdAt} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time at={view.updatedAt} />
          </dd>
        </dl>
      </section>

      <h2>Timeline</h2>
      <section class="card">
        {view.signals.length + view.events.length === 0 ? (
          <p class="muted">Nothing has happened to this payment yet.</p>
        ) : (
          <ol class="timeline" id="timeline">
            {timelineOf(view).map((item) =>
              item.kind === 'signal' ? (
                <SignalItem signal={item.signal} inbox={props.inbox} />
              ) : (
                <EventItem event={item.event} paymentId={view.id} session={session} />
              ),
            )}
          </ol>
        )}
      </section>

      <h2>Actions</h2>
      {canAct ? null : <p class="muted">Your key is read-only: actions need a write key.</p>}
      <div class="actions">
        <section class="card">
          <h3>Reconcile now</h3>
          <p class="muted">Ask the gateway where this payment stands and apply its answer.</p>
          <form method="post" action={`/dashboard/payments/${view.id}/reconcile`}>
            <CsrfInput session={session} />
            <button type="submit" disabled={!canAct}>
              Reconcile now
            </button>
          </form>
        </section>
        <section class="card">
          <h3>{view.needsReview ? 'Resolve the conflict' : 'Settle by hand'}</h3>
          <form class="stack" method="post" action={`/dashboard/payments/${view.id}/settle`}>
            <CsrfInput session={session} />
            <label>
              Status
              <select name="status" required disabled={!canAct}>
                {PAYMENT_STATUSES.map((s) => (
                  <option value={s} selected={s === view.status}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Reason (kept on the timeline)
              <input name="reason" required minlength={3} maxlength={500} disabled={!canAct} />
            </label>
            {view.needsReview ? (
              <label class="check">
                <span>
                  <input type="checkbox" name="resolve" value="1" checked disabled={!canAct} /> overrule the
                  signals and clear the review flag
                </span>
              </label>
            ) : null}
            <button type="submit" disabled={!canAct}>
              {view.needsReview ? 'Resolve' : 'Settle'}
            </button>
          </form>
        </section>
      </div>
    </>
  );
}

function SignalItem({ signal, inbox }: { signal: Signal; inbox: ReadonlyMap<string, InboxDetail> }) {
  const entry = signal.inboxId ? inbox.get(signal.inboxId) : undefined;
  const bad = signal.settlement === 'conflict' || signal.settlement === 'rejected';
  return (
    <li class={`signal${bad ? ' bad' : ''}`} id={signal.id}>
      <div class="when">
        <Time at={signal.at} /> · {signal.source}
      </div>
      <div>
        <strong>{signal.source}</strong> says <Badge word={signal.status} />
        {signal.gatewayStatus ? <span class="muted"> (gateway: {signal.gatewayStatus})</span> : null} →{' '}
        <Badge word={signal.settlement} />
      </div>
      <div class="muted">{signal.reason}</div>
      {signal.inboxId ? (
        <div>
          inbox entry{' '}
          <a class="mono" href={`/dashboard/notifications/${signal.inboxId}`}>
            {signal.inboxId}
          </a>
          {entry ? (
            <>
              {' '}
              <Badge word={entry.verdict} />
              {entry.answerStatus !== null ? <span class="muted"> answered {entry.answerStatus}</span> : null}
              {entry.raw !== null ? (
                <details>
                  <summary>Raw request (redacted)</summary>
                  <pre class="raw">{entry.raw}</pre>
                </details>
              ) : null}
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function EventItem({
  event,
  paymentId,
  session,
}: {
  event: Event;
  paymentId: string;
  session: DashboardSession;
}) {
  const failed = event.deliveries.length > 0 && !event.deliveries.some((d) => d.ok);
  return (
    <li class={`event${failed ? ' bad' : ''}`} id={event.id}>
      <div class="when">
        <Time at={event.at} /> · sent to the shop
      </div>
      <div>
        event <strong>{event.type}</strong> <span class="mono muted">{event.id}</span>
      </div>
      {event.deliveries.length === 0 ? (
        <div class="muted">no delivery attempt yet</div>
      ) : (
        <ul class="deliveries">
          {event.deliveries.map((d, i) => (
            <li class="delivery">
              {/* Attempts are numbered per delivery job; a replay starts a new job at 1, so count them all. */}
              attempt {i + 1}
              {i > 0 && d.attempt === 1 ? ' (replay)' : ''}: <Badge word={d.ok ? 'delivered' : 'failed'} />{' '}
              {d.statusCode !== null ? `HTTP ${d.statusCode}` : ''}{' '}
              {d.error ? <span class="muted">{d.error}</span> : null}{' '}
              <span class="muted">
                {d.latencyMs} ms · <Time at={d.at} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <form
        method="post"
        action={`/dashboard/payments/${paymentId}/events/${event.id}/replay`}
        class="inline"
      >
        <CsrfInput session={session} />
        <button type="submit" class="secondary" disabled={session.scope !== 'write'}>
          Replay delivery
        </button>
      </form>
    </li>
  );
}
