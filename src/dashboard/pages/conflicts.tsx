import { PAYMENT_STATUSES } from '../../core/index.js';
import type { ConflictView } from '../../engine/queries.js';
import { Badge, Money, Time } from '../components/bits.js';
import { CsrfInput } from '../components/layout.js';
import type { DashboardSession } from '../session.js';

export function ConflictsPage(props: {
  conflicts: readonly ConflictView[];
  nextHref: string | null;
  session: DashboardSession;
}) {
  const canAct = props.session.scope === 'write';
  return (
    <>
      <h1>Conflicts</h1>
      <p class="muted">
        Payments whose signals contradict each other. Decide what happened; the decision is recorded as an
        operator signal with your reason, and the shop is told.
      </p>
      {props.conflicts.length === 0 ? <p class="card">No payment needs review.</p> : null}
      {props.conflicts.map(({ payment: p, signals }) => (
        <section class="card conflict" id={`conflict-${p.id}`}>
          <h2>
            <a href={`/dashboard/payments/${p.id}`}>{p.orderRef}</a> <Badge word={p.status} />{' '}
            <span class="muted">
              {p.account} · <Money value={p.amount.value} currency={p.amount.currency} />
            </span>
          </h2>
          <ul>
            {signals.map((s) => (
              <li>
                <Time at={s.at} /> {s.source} says <Badge word={s.status} /> → <Badge word={s.settlement} />{' '}
                <span class="muted">{s.reason}</span>
              </li>
            ))}
          </ul>
          <form class="filters" method="post" action={`/dashboard/payments/${p.id}/settle`}>
            <CsrfInput session={props.session} />
            <input type="hidden" name="resolve" value="1" />
            <input type="hidden" name="back" value="conflicts" />
            <label>
              Status
              <select name="status" required disabled={!canAct}>
                {PAYMENT_STATUSES.map((s) => (
                  <option value={s} selected={s === p.status}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Reason
              <input name="reason" required minlength={3} maxlength={500} disabled={!canAct} />
            </label>
            <button type="submit" disabled={!canAct}>
              Resolve
            </button>
          </form>
        </section>
      ))}
      {props.nextHref ? (
        <p class="pager">
          <a href={props.nextHref}>Next page →</a>
        </p>
      ) : null}
    </>
  );
}
