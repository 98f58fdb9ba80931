import type { InboxSummary } from '../../engine/queries.js';
import { Badge, Empty, Table, Time } from '../components/bits.js';

export const VERDICTS = ['verified', 'rejected', 'unparseable', 'unmatched', 'pending', 'error'] as const;

export interface NotificationFilters {
  readonly account: string;
  readonly verdict: string;
  readonly rejectedOnly: boolean;
}

export function NotificationsPage(props: {
  entries: readonly InboxSummary[];
  filters: NotificationFilters;
  accounts: readonly string[];
  nextHref: string | null;
}) {
  const f = props.filters;
  return (
    <>
      <h1>Notifications</h1>
      <form class="filters" method="get" action="/dashboard/notifications">
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
          Verdict
          <select name="verdict">
            <option value="">all</option>
            {VERDICTS.map((v) => (
              <option value={v} selected={v === f.verdict}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>
            <input type="checkbox" name="rejected" value="1" checked={f.rejectedOnly} /> refused only
          </span>
        </label>
        <button type="submit">Filter</button>
      </form>
      <Table headers={['Received', 'Account', 'Kind', 'Verdict', 'Reason', 'Answer', 'Entry']}>
        <tbody id="inbox-rows">
          {props.entries.length === 0 ? <Empty colspan={7} text="No entry matches." /> : null}
          {props.entries.map((e) => (
            <tr>
              <td data-label="Received">
                <Time at={e.receivedAt} />
              </td>
              <td data-label="Account">{e.account ?? '—'}</td>
              <td data-label="Kind">{e.kind}</td>
              <td data-label="Verdict">
                <Badge word={e.verdict} />
              </td>
              <td data-label="Reason">
                {e.reasonCode ? <code>{e.reasonCode}</code> : null} {e.reason ?? ''}
              </td>
              <td data-label="Answer" class="num">
                {e.answerStatus ?? '—'}
              </td>
              <td data-label="Entry">
                <a class="mono" href={`/dashboard/notifications/${e.id}`}>
                  {e.id}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {props.nextHref ? (
        <p class="pager">
          <a href={props.nextHref}>Next page →</a>
        </p>
      ) : null}
    </>
  );
}
