import type { Context, Hono } from 'hono';
import { isPaymentStatus } from '../core/index.js';
import { notificationHealth } from '../engine/health.js';
import { healthSeries } from '../engine/health-series.js';
import { getPaymentView, type PaymentView } from '../engine/payments.js';
import { getInboxEntry, listConflicts, listInboxPage, listPaymentsPage } from '../engine/queries.js';
import { listAlerts } from '../store/repos/alerts.js';
import { jobQueueStats } from '../store/repos/health.js';
import type { InboxVerdict } from '../store/repos/inbox.js';
import { ConflictsPage } from './pages/conflicts.js';
import { HEALTH_WINDOWS, HealthPage, type HealthWindow } from './pages/health.js';
import { NotificationPage } from './pages/notification.js';
import { NotificationsPage, VERDICTS } from './pages/notifications.js';
import { type InboxDetail, PaymentPage } from './pages/payment.js';
import { type PaymentFilters, PaymentRows, PaymentsPage } from './pages/payments.js';
import { messagePage, renderFragment, renderPage } from './respond.js';
import type { DashboardContext } from './routes.js';
import type { DashboardEnv } from './session.js';

type Ctx = Context<DashboardEnv>;

const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

/** GET pages: read-only, for read and write keys alike. */
export function pageRoutes(app: Hono<DashboardEnv>, { engine, shown }: DashboardContext): void {
  const accounts = () => [...engine.config.accounts.keys()].sort();

  app.get('/', (c) => c.redirect('/dashboard/payments', 303));

  app.get('/payments', async (c) => {
    const filters = paymentFilters(c);
    const page = await listPaymentsPage(engine, paymentsQuery(filters));
    return renderPage(c, {
      title: 'Payments',
      active: 'payments',
      body: (
        <PaymentsPage
          items={page.items}
          filters={filters}
          accounts={accounts()}
          nextHref={page.nextCursor ? `/dashboard/payments?${withCursor(c, page.nextCursor)}` : null}
          rowsHref={`/dashboard/payments/rows?${new URL(c.req.url).searchParams}`}
        />
      ),
    });
  });

  app.get('/payments/rows', async (c) => {
    const filters = paymentFilters(c);
    const page = await listPaymentsPage(engine, paymentsQuery(filters));
    return renderFragment(
      c,
      <PaymentRows
        items={page.items}
        rowsHref={`/dashboard/payments/rows?${new URL(c.req.url).searchParams}`}
      />,
    );
  });

  app.get('/payments/:id', async (c) => {
    const view = await getPaymentView(engine, c.req.param('id'));
    if (!view) return messagePage(c, 404, 'No such payment', `There is no payment ${c.req.param('id')}.`);
    const inbox = new Map<string, InboxDetail>();
    for (const inboxId of new Set(view.signals.map((s) => s.inboxId).filter((id) => id !== null))) {
      const entry = await getInboxEntry(engine, inboxId);
      if (!entry) continue;
      const headers = Object.entries(entry.request.headers).map(([k, v]) => `${k}: ${v}`);
      const query = entry.request.query ? `?${entry.request.query}` : '';
      inbox.set(inboxId, {
        id: entry.id,
        verdict: entry.verdict,
        reasonCode: entry.reasonCode,
        reason: entry.reason,
        answerStatus: entry.answerStatus,
        raw: [
          `${entry.method} ${entry.path}${query}`,
          ...headers,
          '',
          entry.request.body ?? `[binary body, ${entry.bodyBytes} bytes, not shown]`,
        ].join('\n'),
      });
    }
    return renderPage(c, {
      title: `Payment ${view.orderRef}`,
      active: 'payments',
      body: <PaymentPage view={redactView(view, shown)} inbox={inbox} session={c.get('session')} />,
    });
  });

  app.get('/notifications', async (c) => {
    const account = c.req.query('account') ?? '';
    const verdict = c.req.query('verdict') ?? '';
    const rejectedOnly = c.req.query('rejected') === '1';
    const page = await listInboxPage(engine, {
      account: account || undefined,
      verdict: (VERDICTS as readonly string[]).includes(verdict) ? (verdict as InboxVerdict) : undefined,
      rejectedOnly,
      limit: PAGE_SIZE,
      cursor: c.req.query('cursor') || undefined,
    });
    return renderPage(c, {
      title: 'Notifications',
      active: 'notifications',
      body: (
        <NotificationsPage
          entries={page.items}
          filters={{ account, verdict, rejectedOnly }}
          accounts={accounts()}
          nextHref={page.nextCursor ? `/dashboard/notifications?${withCursor(c, page.nextCursor)}` : null}
        />
      ),
    });
  });

  app.get('/notifications/:id', async (c) => {
    const entry = await getInboxEntry(engine, c.req.param('id'));
    if (!entry)
      return messagePage(
        c,
        404,
        'No such entry',
        `There is no inbox entry ${c.req.param('id')}.`,
        'notifications',
      );
    return renderPage(c, {
      title: `Inbox entry ${entry.id}`,
      active: 'notifications',
      body: <NotificationPage entry={entry} />,
    });
  });

  app.get('/conflicts', async (c) => {
    const page = await listConflicts(engine, {
      limit: PAGE_SIZE,
      cursor: c.req.query('cursor') || undefined,
    });
    const conflicts = page.items.map((item) => ({
      ...item,
      signals: item.signals.map((s) => ({ ...s, reason: shown(s.reason) })),
    }));
    return renderPage(c, {
      title: 'Conflicts',
      active: 'conflicts',
      body: (
        <ConflictsPage
          conflicts={conflicts}
          session={c.get('session')}
          nextHref={page.nextCursor ? `/dashboard/conflicts?${withCursor(c, page.nextCursor)}` : null}
        />
      ),
    });
  });

  app.get('/health', async (c) => {
    const requested = c.req.query('window') ?? '1h';
    const window: HealthWindow = requested in HEALTH_WINDOWS ? (requested as HealthWindow) : '1h';
    const { ms, bucketMs } = HEALTH_WINDOWS[window];
    const now = engine.clock();
    // Buckets aligned on the bucket size, so a refreshed page keeps the same boundaries.
    const until = new Date(Math.ceil(now.getTime() / bucketMs) * bucketMs);
    const since = new Date(until.getTime() - ms);
    const report = await notificationHealth(engine, { since, now, recent: 0 });
    const series = new Map(
      await Promise.all(
        report.accounts.map(
          async (a) =>
            [
              a.account,
              await healthSeries(engine, { accountId: a.account, since, until, bucketMs }),
            ] as const,
        ),
      ),
    );
    const alerts = (await listAlerts(engine.store.db, { limit: 50 })).map((a) => ({
      ...a,
      message: shown(a.message),
    }));
    return renderPage(c, {
      title: 'Health',
      active: 'health',
      body: (
        <HealthPage
          window={window}
          report={report}
          series={series}
          queue={await jobQueueStats(engine.store.db, now)}
          alerts={alerts}
          session={c.get('session')}
        />
      ),
    });
  });
}

function paymentFilters(c: Ctx): PaymentFilters {
  const q = (name: string) => (c.req.query(name) ?? '').trim();
  return {
    q: q('q'),
    status: q('status'),
    account: q('account'),
    from: q('from'),
    to: q('to'),
    cursor: q('cursor'),
  };
}

function paymentsQuery(f: PaymentFilters) {
  const day = (text: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00.000Z`) : undefined;
  const to = day(f.to);
  return {
    q: f.q || undefined,
    status: isPaymentStatus(f.status) ? f.status : undefined,
    account: f.account || undefined,
    createdFrom: day(f.from),
    // The form's "to" day is included.
    createdTo: to ? new Date(to.getTime() + DAY_MS) : undefined,
    limit: PAGE_SIZE,
    cursor: f.cursor || undefined,
  };
}

function withCursor(c: Ctx, cursor: string): string {
  const params = new URL(c.req.url).searchParams;
  params.set('cursor', cursor);
  return params.toString();
}

function redactView(view: PaymentView, shown: (text: string) => string): PaymentView {
  return {
    ...view,
    signals: view.signals.map((s) => ({ ...s, reason: shown(s.reason) })),
    events: view.events.map((e) => ({
      ...e,
      deliveries: e.deliveries.map((d) => ({ ...d, error: d.error === null ? null : shown(d.error) })),
    })),
  };
}
