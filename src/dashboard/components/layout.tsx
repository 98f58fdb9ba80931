import type { Child } from 'hono/jsx';
import type { DashboardSession } from '../session.js';

export interface Flash {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

const NAV = [
  { href: '/dashboard/payments', label: 'Payments', key: 'payments' },
  { href: '/dashboard/notifications', label: 'Notifications', key: 'notifications' },
  { href: '/dashboard/conflicts', label: 'Conflicts', key: 'conflicts' },
  { href: '/dashboard/health', label: 'Health', key: 'health' },
] as const;

export type NavKey = (typeof NAV)[number]['key'] | 'login';

export interface LayoutProps {
  readonly title: string;
  readonly active: NavKey;
  readonly session?: DashboardSession | undefined;
  readonly flash?: Flash | undefined;
  readonly children?: Child;
}

/**
 * Every page: readable without JavaScript. htmx (boost + live refresh) and uPlot only enhance; the
 * CSRF token rides in every form and, for htmx requests, in the X-CSRF-Token header set on <body>.
 */
export function Layout(props: LayoutProps) {
  const session = props.session;
  const headers = session ? JSON.stringify({ 'X-CSRF-Token': session.csrfToken }) : undefined;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"allowEval":false,"includeIndicatorStyles":false}' />
        <title>{`${props.title} · quittance`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/dashboard/assets/uPlot.min.css" />
        <link rel="stylesheet" href="/dashboard/assets/app.css" />
        <script src="/dashboard/assets/htmx.min.js" defer></script>
        <script src="/dashboard/assets/uPlot.iife.min.js" defer></script>
        <script src="/dashboard/assets/app.js" defer></script>
      </head>
      <body hx-boost={session ? 'true' : undefined} hx-headers={headers}>
        <header class="top">
          <a class="brand" href="/dashboard">
            quittance
          </a>
          {session ? (
            <nav>
              {NAV.map((n) => (
                <a href={n.href} aria-current={n.key === props.active ? 'page' : undefined}>
                  {n.label}
                </a>
              ))}
            </nav>
          ) : null}
          {session ? (
            <form class="who" method="post" action="/dashboard/logout">
              <CsrfInput session={session} />
              <span title={`scope: ${session.scope}`}>
                {session.label} <small>({session.scope})</small>
              </span>
              <button type="submit">Log out</button>
            </form>
          ) : null}
        </header>
        <main>
          {props.flash ? (
            <p class={`flash flash-${props.flash.kind}`} role="status">
              {props.flash.text}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function CsrfInput({ session }: { session: DashboardSession }) {
  return <input type="hidden" name="_csrf" value={session.csrfToken} />;
}
