import type { InboxEntryDetail } from '../../engine/queries.js';
import { Badge, Time } from '../components/bits.js';

/** One inbox entry: what arrived (redacted by the engine), what we decided and answered, what it led to. */
export function NotificationPage({ entry }: { entry: InboxEntryDetail }) {
  const headers = Object.entries(entry.request.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  return (
    <>
      <h1>
        Inbox entry <span class="mono">{entry.id}</span> <Badge word={entry.verdict} />
      </h1>
      <section class="card">
        <dl class="summary">
          <dt>Received</dt>
          <dd>
            <Time at={entry.receivedAt} />
          </dd>
          <dt>Account</dt>
          <dd>{entry.account ?? '—'}</dd>
          <dt>Kind</dt>
          <dd>{entry.kind}</dd>
          <dt>Request</dt>
          <dd class="mono">
            {entry.method} {entry.path}
            {entry.request.query ? `?${entry.request.query}` : ''}
          </dd>
          <dt>From</dt>
          <dd class="mono">{entry.sourceIp}</dd>
          <dt>Verdict</dt>
          <dd>
            <Badge word={entry.verdict} /> {entry.reasonCode ? <code>{entry.reasonCode}</code> : null}{' '}
            {entry.reason ?? ''}
          </dd>
          <dt>Answered</dt>
          <dd>
            {entry.answerStatus ?? 'no answer recorded'}
            {entry.processedAt ? (
              <>
                {' '}
                at <Time at={entry.processedAt} />
              </>
            ) : null}
          </dd>
        </dl>
      </section>
      <h2>Raw request (redacted)</h2>
      <pre class="raw" id="raw-request">
        {`${entry.method} ${entry.path}${entry.request.query ? `?${entry.request.query}` : ''}\n${headers}\n\n${
          entry.request.body ?? `[binary body, ${entry.bodyBytes} bytes, not shown]`
        }${entry.bodyTruncated ? '\n[truncated]' : ''}`}
      </pre>
      {entry.answerBody !== null ? (
        <>
          <h2>Our answer</h2>
          <pre class="raw">{entry.answerBody}</pre>
        </>
      ) : null}
      <h2>Signals</h2>
      {entry.signals.length === 0 ? <p class="muted">This request carried no signal.</p> : null}
      <ul>
        {entry.signals.map((s) => (
          <li>
            {s.paymentId ? (
              <a class="mono" href={`/dashboard/payments/${s.paymentId}`}>
                {s.paymentId}
              </a>
            ) : (
              <span class="muted">no payment</span>
            )}{' '}
            {s.source} says <Badge word={s.status} /> → <Badge word={s.settlement} />{' '}
            <span class="muted">{s.reason}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
