import { PAYMENT_STATUSES } from '../../core/index.js';
import type { PaymentSummary } from '../../engine/queries.js';
import { Badge, Empty, Money, Table, Time } from '../components/bits.js';

export interface PaymentFilters {
  readonly q: string;
  readonly status: string;
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly cursor: string;
}

export function PaymentsPage(props: {
  items: readonly PaymentSummary[];
  filters: PaymentFilters;
  accounts: readonly string[];
  nextHref: string | null;
  rowsHref: string;
}) {
  const f = props.filters;
  return (
    <>
      <h1>Payments</h1>
      <form class="filters" method="get" action="/dashboard/payments">
        <label>
          Order ref, gateway ref or id
          <input
            id="payment-search"
            type="search"
            name="q"
            value={f.q}
            autocomplete="off"
            spellcheck={false}
          />
        </label>
        <label>
          Status
          <select name="status">
            <option value="">any</option>
            {PAYMENT_STATUSES.map((s) => (
              <option value={s} selected={s === f.status}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account
          <select name="account">
            <option value="">all</option>
            {props.accounts.map((a) => (
              <option value={a} selected={a === f.account}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Created from
          <input type="date" name="from" value={f.from} />
        </label>
        <label>
          to
          <input type="date" name="to" value={f.to} />
        </label>
        <button type="submit">Search</button>
      </form>
      <Table headers={['Created', 'Order ref', 'Account', 'Amount', 'Status', 'Gateway ref']}>
        <PaymentRows items={props.items} rowsHref={props.rowsHref} />
      </Table>
      {props.nextHref ? (
        <p class="pager">
          <a href={props.nextHref} rel="next">
            Next page →
          </a>
        </p>
      ) : null}
    </>
  );
}

/** The table body, refreshed every 5 s by htmx; app.js pauses it while a search is being typed. */
export function PaymentRows({ items, rowsHref }: { items: readonly PaymentSummary[]; rowsHref: string }) {
  return (
    <tbody
      id="payment-rows"
      hx-get={rowsHref}
      hx-trigger="every 5s"
      hx-swap="outerHTML"
      data-pause-when-typed="payment-search"
    >
      {items.length === 0 ? <Empty colspan={6} text="No payment matches." /> : null}
      {items.map((p) => (
        <tr>
          <td data-label="Created">
            <Time at={p.createdAt} />
          </td>
          <td data-label="Order ref">
            <a href={`/dashboard/payments/${p.id}`}>{p.orderRef}</a>
          </td>
          <td data-label="Account">{p.account}</td>
          <td data-label="Amount" class="num">
            <Money value={p.amount.value} currency={p.amount.currency} />
          </td>
          <td data-label="Status">
            <Badge word={p.status} />
            {p.needsReview ? (
              <>
                {' '}
                <span class="badge bad">review</span>
              </>
            ) : null}
          </td>
          <td data-label="Gateway ref" class="mono">
            {p.gatewayRef ?? '—'}
          </td>
        </tr>
      ))}
    </tbody>
  );
}
