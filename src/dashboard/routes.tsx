import type { Context } from 'hono';
import { Hono } from 'hono';
import { isQuittanceError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { authenticateApiKey } from '../engine/api-keys.js';
import type { Engine } from '../engine/engine.js';
import { secretsOf } from '../engine/secrets.js';
import { actionRoutes } from './actions.js';
import { assetRoutes } from './assets.js';
import { csrfTokenMatches, originAllowed } from './csrf.js';
import { pageRoutes } from './page-routes.js';
import { LoginPage } from './pages/login.js';
import { messagePage, renderPage } from './respond.js';
import { closeSession, currentSession, type DashboardEnv, openSession } from './session.js';

/** What every dashboard handler needs: the engine, and redaction by the configured secrets. */
export interface DashboardContext {
  readonly engine: Engine;
  /** Secrets removed and card numbers masked: for any text that came from outside. */
  readonly shown: (text: string) => string;
}

// Scripts only from our own files (htmx runs with allowEval off); inline styles are allowed because
// htmx and uPlot set style attributes at run time.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it, browsers send `Origin: null` on same-site POSTs, and the origin check refuses them.
  'referrer-policy': 'same-origin',
};

/** The dashboard, mounted at /dashboard by createApp. */
export function dashboardRoutes(engine: Engine): Hono<DashboardEnv> {
  const secrets = secretsOf(engine.config);
  const ctx: DashboardContext = { engine, shown: (text) => redactText(text, secrets) };
  const app = new Hono<DashboardEnv>({ strict: false });

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  });
  app.onError((error, c) => {
    if (isQuittanceError(error)) {
      const status = error.status === 404 ? 404 : error.status === 403 ? 403 : 400;
      return messagePage(c, status, status === 404 ? 'Not found' : 'Refused', error.message);
    }
    engine.logger.error({ err: error, path: c.req.path }, 'dashboard error');
    return messagePage(c, 500, 'Something failed', 'The error is in the server log.');
  });

  assetRoutes(app);

  app.get('/login', async (c) => {
    if (await currentSession(c, engine)) return c.redirect(safeNext(c.req.query('next')), 303);
    return renderPage(c, {
      title: 'Log in',
      active: 'login',
      body: <LoginPage next={safeNext(c.req.query('next'))} />,
    });
  });
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (!originAllowed(c, engine.publicUrl)) {
      return messagePage(c, 403, 'Refused', 'This form was sent from another site.', 'login');
    }
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const principal = key ? await authenticateApiKey(engine, key, engine.clock()) : undefined;
    if (!principal) {
      engine.logger.info('dashboard login refused');
      return renderPage(
        c,
        {
          title: 'Log in',
          active: 'login',
          body: <LoginPage next={next} error="This API key is not valid." />,
        },
        401,
      );
    }
    await openSession(c, engine, principal);
    engine.logger.info({ key: principal.label, scope: principal.scope }, 'dashboard login');
    return c.redirect(next, 303);
  });

  // Everything below needs a session; every POST below needs the session's CSRF token.
  app.use('*', async (c, next) => {
    const session = await currentSession(c, engine);
    if (!session) {
      const login = `/dashboard/login?next=${encodeURIComponent(pathWithQuery(c))}`;
      if (c.req.header('hx-request')) {
        c.header('HX-Redirect', login);
        return c.body(null, 401);
      }
      return c.redirect(login, 303);
    }
    c.set('session', session);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = await c.req.parseBody();
      const presented =
        c.req.header('x-csrf-token') ?? (typeof form._csrf === 'string' ? form._csrf : undefined);
      if (!originAllowed(c, engine.publicUrl) || !csrfTokenMatches(presented, session.csrfToken)) {
        return messagePage(
          c,
          403,
          'Refused',
          'This form is out of date or was sent from another site: reload the page and try again.',
        );
      }
    }
    await next();
  });

  app.post('/logout', async (c) => {
    await closeSession(c, engine, c.get('session'));
    return c.redirect('/dashboard/login', 303);
  });

  pageRoutes(app, ctx);
  actionRoutes(app, ctx);

  app.all('*', (c) => messagePage(c, 404, 'Not found', 'There is no dashboard page here.'));
  return app;
}

function pathWithQuery(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

/** Where to go after logging in: only a dashboard path of this site, never an outside URL. */
export function safeNext(next: string | undefined): string {
  const fallback = '/dashboard/payments';
  if (!next?.startsWith('/dashboard') || next.startsWith('//')) return fallback;
  try {
    const url = new URL(next, 'http://localhost');
    if (url.origin !== 'http://localhost' || !url.pathname.startsWith('/dashboard')) return fallback;
    if (url.pathname.startsWith('/dashboard/login') || url.pathname.startsWith('/dashboard/logout'))
      return fallback;
    return `${url.pathname}${url.search}`;
  } catch {
    return fallback;
  }
}
