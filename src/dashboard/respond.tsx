import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Flash, NavKey } from './components/layout.js';
import { Layout } from './components/layout.js';
import type { DashboardEnv } from './session.js';

const FLASH_COOKIE = 'quittance_flash';

type Ctx = Context<DashboardEnv>;

/** A whole page in the layout, with the flash message left by the previous action (shown once). */
export function renderPage(
  c: Ctx,
  page: { title: string; active: NavKey; body: Child },
  status: 200 | 400 | 401 | 403 | 404 | 500 = 200,
) {
  const flash = takeFlash(c);
  const session = c.get('session') as DashboardEnv['Variables']['session'] | undefined;
  c.header('cache-control', 'no-store');
  return c.html(
    html`<!doctype html>${(
      <Layout title={page.title} active={page.active} session={session} flash={flash}>
        {page.body}
      </Layout>
    )}`,
    status,
  );
}

/** A fragment for htmx (a table body), without the layout. */
export function renderFragment(c: Ctx, body: Child) {
  c.header('cache-control', 'no-store');
  return c.html(html`${body}`);
}

/** After an action: the message for the next page, then 303 to it (the POST is not repeated on reload). */
export function redirectWithFlash(c: Ctx, to: string, flash: Flash) {
  setCookie(c, FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), {
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'Strict',
    maxAge: 60,
  });
  return c.redirect(to, 303);
}

function takeFlash(c: Ctx): Flash | undefined {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: '/dashboard' });
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Flash>;
    if ((parsed.kind === 'ok' || parsed.kind === 'error') && typeof parsed.text === 'string') {
      return { kind: parsed.kind, text: parsed.text.slice(0, 500) };
    }
  } catch {
    // a damaged cookie is no message
  }
  return undefined;
}

export function messagePage(
  c: Ctx,
  status: 400 | 403 | 404 | 500,
  title: string,
  text: string,
  active: NavKey = 'payments',
) {
  return renderPage(
    c,
    {
      title,
      active,
      body: (
        <section class="card">
          <h1>{title}</h1>
          <p>{text}</p>
          <p>
            <a href="/dashboard/payments">Back to payments</a>
          </p>
        </section>
      ),
    },
    status,
  );
}
