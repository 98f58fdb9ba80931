import { raw } from 'hono/html';
import type { AccountHealth, HealthReport } from '../../engine/health.js';
import type { HealthSeries } from '../../engine/health-series.js';
import type { AlertRecord } from '../../store/repos/alerts.js';
import type { JobQueueRow } from '../../store/repos/health.js';
import { Badge, Empty, Table, Time } from '../components/bits.js';
import { CsrfInput } from '../components/layout.js';
import type { DashboardSession } from '../session.js';

export const HEALTH_WINDOWS = {
  '1h': { ms: 3_600_000, bucketMs: 60_000, label: 'last hour, per minute' },
  '6h': { ms: 6 * 3_600_000, bucketMs: 5 * 60_000, label: 'last 6 hours, 5-minute buckets' },
  '24h': { ms: 24 * 3_600_000, bucketMs: 15 * 60_000, label: 'last 24 hours, 15-minute buckets' },
} as const;
export type HealthWindow = keyof typeof HEALTH_WINDOWS;

export interface HealthPageProps {
  readonly window: HealthWindow;
  readonly report: HealthReport;
  readonly series: ReadonlyMap<string, HealthSeries>;
  readonly queue: readonly JobQueueRow[];
  readonly alerts: readonly AlertRecord[];
  readonly session: DashboardSession;
}

export function HealthPage(props: HealthPageProps) {
  return (
    <>
      <h1>Health</h1>
      <form class="filters" method="get" action="/dashboard/health">
        <label>
          Window
          <select name="window">
            {Object.entries(HEALTH_WINDOWS).map(([key, w]) => (
              <option value={key} selected={key === props.window}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      {props.report.accounts.map((a) => (
        <AccountSection account={a} series={props.series.get(a.account)} />
      ))}
      <h2>Job queue</h2>
      <Table headers={['Task', 'State', 'Jobs', 'Oldest due']}>
        <tbody>
          {props.queue.length === 0 ? <Empty colspan={4} text="The queue is empty." /> : null}
          {props.queue.map((r) => (
            <tr>
              <td data-label="Task">{r.task}</td>
              <td data-label="State">
                <Badge word={r.state} />
              </td>
              <td data-label="Jobs" class="num">
                {r.count}
              </td>
              <td data-label="Oldest due">
                <Time at={r.oldestDueAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <AlertsSection alerts={props.alerts} session={props.session} />
    </>
  );
}

function AccountSection({
  account: a,
  series,
}: {
  account: AccountHealth;
  series: HealthSeries | undefined;
}) {
  const w = a.window;
  const sources = Object.keys(w.settledBy) as (keyof typeof w.settledBy)[];
  return (
    <section class="card account-health" id={`account-${a.account}`}>
      <h2>
        {a.account} <span class="muted">({a.gateway})</span>
      </h2>
      <dl class="summary">
        <dt>Notifications in window</dt>
        <dd>
          {w.notifications.received}{' '}
          {Object.entries(w.notifications.byVerdict).map(([verdict, n]) => (
            <>
              <Badge word={verdict} /> {n}{' '}
            </>
          ))}
        </dd>
        <dt>Ack latency</dt>
        <dd>
          {w.ackLatencyMs
            ? `p50 ${w.ackLatencyMs.p50} ms · p99 ${w.ackLatencyMs.p99} ms (${w.ackLatencyMs.samples} samples)`
            : 'no notification in the window'}
        </dd>
        <dt>Overdue notifications</dt>
        <dd>{w.overdue === null ? 'not applicable (the gateway tells by long-poll)' : w.overdue}</dd>
        <dt>Last notification</dt>
        <dd>
          <Time at={a.lastNotificationAt} /> (verified: <Time at={a.lastVerifiedNotificationAt} />)
        </dd>
      </dl>
      <h3>Settlement paths (window)</h3>
      <Table headers={['Path', 'Made final', 'Of which paid']}>
        <tbody>
          {sources.map((s) => (
            <tr>
              <td data-label="Path">{s}</td>
              <td data-label="Made final" class="num">
                {w.settledBy[s]}
              </td>
              <td data-label="Of which paid" class="num">
                {w.paidBy[s]}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {series ? <Charts account={a.account} series={series} /> : null}
    </section>
  );
}

function Charts({ account, series }: { account: string; series: HealthSeries }) {
  const x = series.starts.map((s) => s / 1000);
  const rate = {
    title: 'Notifications per minute by verdict',
    unit: 'per minute',
    x,
    series: Object.entries(series.perMinuteByVerdict).map(([label, values]) => ({ label, values })),
  };
  const latency = {
    title: 'Ack latency (ms)',
    unit: 'ms',
    x,
    series: [
      { label: 'p50', values: series.ackP50Ms },
      { label: 'p99', values: series.ackP99Ms },
    ],
  };
  const verdicts = Object.keys(series.perMinuteByVerdict);
  const busy = series.starts.map((_, i) => i).filter((i) => (series.counts[i] ?? 0) > 0);
  const rateId = `chart-rate-${account}`;
  const latencyId = `chart-latency-${account}`;
  return (
    <>
      <div class="charts">
        <figure>
          <div class="chart" data-chart={rateId} />
          <ChartData id={rateId} data={rate} />
        </figure>
        <figure>
          <div class="chart" data-chart={latencyId} />
          <ChartData id={latencyId} data={latency} />
        </figure>
      </div>
      {series.truncated ? (
        <p class="muted">Only the latest notifications of the window are charted.</p>
      ) : null}
      <div class="nojs-table">
        <h3>Notifications by bucket ({series.bucketMs / 60_000} min, buckets with traffic)</h3>
        <Table headers={['From', ...verdicts.map((v) => `${v} /min`), 'ack p50 ms', 'ack p99 ms']}>
          <tbody>
            {busy.length === 0 ? (
              <Empty colspan={verdicts.length + 3} text="No notification in the window." />
            ) : null}
            {busy.map((i) => (
              <tr>
                <td data-label="From">
                  <Time at={new Date(series.starts[i] as number)} />
                </td>
                {verdicts.map((v) => (
                  <td data-label={`${v} /min`} class="num">
                    {series.perMinuteByVerdict[v]?.[i] ?? 0}
                  </td>
                ))}
                <td data-label="ack p50 ms" class="num">
                  {series.ackP50Ms[i] ?? '—'}
                </td>
                <td data-label="ack p99 ms" class="num">
                  {series.ackP99Ms[i] ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </>
  );
}

/** Chart data as inert JSON (never executed), `<` escaped so no text can close the element. */
function ChartData({ id, data }: { id: string; data: unknown }) {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return (
    <script type="application/json" id={id}>
      {raw(json)}
    </script>
  );
}

function AlertsSection({ alerts, session }: { alerts: readonly AlertRecord[]; session: DashboardSession }) {
  return (
    <>
      <h2>Alerts</h2>
      <Table headers={['Kind', 'Severity', 'Account', 'Message', 'Seen', 'Last seen', '']}>
        <tbody id="alerts">
          {alerts.length === 0 ? <Empty colspan={7} text="No alert." /> : null}
          {alerts.map((a) => (
            <tr>
              <td data-label="Kind">{a.kind}</td>
              <td data-label="Severity">
                <span
                  class={`badge ${a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''}`}
                >
                  {a.severity}
                </span>
              </td>
              <td data-label="Account">{a.accountId ?? '—'}</td>
              <td data-label="Message">
                {a.message}
                {a.samples.length > 0 ? (
                  <div class="muted">
                    {a.samples.map((s) =>
                      s.startsWith('pay_') ? (
                        <>
                          <a class="mono" href={`/dashboard/payments/${s}`}>
                            {s}
                          </a>{' '}
                        </>
                      ) : (
                        <span class="mono">{s} </span>
                      ),
                    )}
                  </div>
                ) : null}
              </td>
              <td data-label="Seen" class="num">
                {a.count}×
              </td>
              <td data-label="Last seen">
                <Time at={a.lastSeenAt} />
              </td>
              <td data-label="">
                {a.resolvedAt ? (
                  <span class="muted">
                    resolved <Time at={a.resolvedAt} />
                  </span>
                ) : (
                  <form method="post" action={`/dashboard/alerts/${a.id}/resolve`} class="inline">
                    <CsrfInput session={session} />
                    <button type="submit" class="secondary" disabled={session.scope !== 'write'}>
                      Resolve
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
