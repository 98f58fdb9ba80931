import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { renderSVG } from 'uqr';
import { QuittanceError } from '../../core/errors.js';
import { isFinal, isPaid } from '../../core/index.js';
import type { Engine } from '../../engine/engine.js';
import { shopPage } from '../../engine/pages.js';
import { waitForFinal, waitSeconds } from '../../engine/wait.js';
import type { Checkout } from '../../gateways/gateway.js';
import { findPayment, type PaymentRecord } from '../../store/repos/payments.js';

/** After this long on the waiting page the customer is sent to the shop's pending page. */
export const GIVE_UP_AFTER_MS = 120_000;
/** A customer paying with a wallet app (the page shows its QR code) gets longer: scanning takes a while. */
export const WALLET_GIVE_UP_AFTER_MS = 30 * 60_000;
/** Without JavaScript the page reloads itself this often. */
const REFRESH_SECONDS = 4;
/** Each long-poll of the page's script. */
const POLL_SECONDS = 25;

/**
 * The customer's waiting page and the status it follows, for a payment not final when the customer
 * came back from the gateway (engine/return.ts sends them here).
 *
 * These two routes are PUBLIC: no API key, since they are a customer's browser. What makes that
 * acceptable is that the only key is the payment id, and payment ids are unguessable: after the
 * time part they carry 79 bits from the system's CSPRNG (core/ids.ts, engine/ids.ts), so only the
 * customer who was sent here knows theirs. (One caveat: ids one process makes within the same
 * millisecond are consecutive, by the monotonic rule of engine/ids.ts; a payment created in the same
 * millisecond as yours could be found from yours. Payment ids drawn without that rule would close it.)
 * And even so these routes say only what the customer already knows: the status, whether it is final, and
 * the shop page to go to next (which carries the payment id, the shop's order reference and the
 * status, exactly as the redirect from the return would have). Never an amount, a gateway reference,
 * a signal or anything else of the payment's.
 */
export function waitRoutes(app: Hono, engine: Engine): void {
  /**
   * `GET /pay/:paymentId/status?wait=25`: `{ status, final, next }`, long-polled up to `wait` seconds
   * (0 to 60) for the payment to become final. `next` is the shop page once final, else null.
   */
  app.get('/pay/:paymentId/status', async (c) => {
    const wait = waitSeconds(c.req.query('wait'));
    const id = c.req.param('paymentId');
    const waited = await waitForFinal(engine, id, wait * 1000, c.req.raw.signal);
    const state = waited && customerState(engine, waited);
    if (!state) throw new QuittanceError('NOT_FOUND', 'no such payment');
    c.header('cache-control', 'no-store');
    c.header('x-robots-tag', 'noindex');
    return c.json({ status: state.status, final: state.final, next: state.next });
  });

  /**
   * `GET /pay/:paymentId/wait?since=<ms>`: a small page that says the payment is being confirmed.
   * With JavaScript it long-polls the status route and goes to `next`; without, it reloads itself
   * every few seconds and this handler redirects once the payment is final. After GIVE_UP_AFTER_MS
   * since `since` (set when the customer was sent here), it sends the customer to the shop's pending
   * page: the shop learns the final result from its webhook or the API, not from the browser.
   */
  app.get('/pay/:paymentId/wait', async (c) => {
    const payment = await findPayment(engine.store.db, c.req.param('paymentId'));
    const state = payment && customerState(engine, payment);
    if (!payment || !state) return page(c, 404, notFoundPage());
    if (state.message !== null) {
      c.header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      return page(c, 200, fulfillmentPage(state.message, state.shop));
    }
    if (state.next) return c.redirect(state.next, 303);
    const wallet = payment.status === 'created' ? walletUriOf(payment.checkout) : undefined;
    const now = engine.clock().getTime();
    const asked = Number(c.req.query('since'));
    // A missing, odd or future `since` starts the wait now: it only bounds the wait, it proves nothing.
    const since = Number.isSafeInteger(asked) && asked > 0 && asked <= now ? asked : now;
    const left = (wallet ? WALLET_GIVE_UP_AFTER_MS : GIVE_UP_AFTER_MS) - (now - since);
    if (left <= 0) return c.redirect(state.pending, 303);
    return page(c, 200, waitingPage(payment.id, since, left, state.pending, c, wallet));
  });
}

/** Schemes a wallet app registers for: the only links a gateway may put on our page. */
const WALLET_SCHEMES: ReadonlySet<string> = new Set(['taler', 'taler+http']);

/**
 * The wallet URI of a checkout (Taler's `taler://pay/…`), if it is one a wallet app can open. It comes from the
 * gateway and becomes a link, so only known wallet schemes pass: never a script, data or web URL.
 */
function walletUriOf(checkout: unknown): string | undefined {
  const uri = (checkout as Checkout | null)?.walletUri;
  if (typeof uri !== 'string' || uri.length > 2048) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  return scheme && WALLET_SCHEMES.has(scheme) ? uri : undefined;
}

interface CustomerState {
  readonly status: string;
  readonly final: boolean;
  /** The shop page to go to, once final. */
  readonly next: string | null;
  /** The shop's page for the payment as it stands (the pending page while not final), for giving up. */
  readonly pending: string;
  /** Paid, with a fulfillment message and no fulfillment URL: this page shows the message. */
  readonly message: string | null;
  /** The shop's page for the payment as it stands. */
  readonly shop: string;
}

function customerState(engine: Engine, payment: PaymentRecord): CustomerState | undefined {
  const account = engine.config.accounts.get(payment.accountId);
  if (!account) return undefined;
  const final = isFinal(payment.status);
  const message =
    isPaid(payment.status) && payment.fulfillmentUrl === null ? payment.fulfillmentMessage : null;
  const shop = shopPage(account, payment);
  return {
    status: payment.status,
    final,
    // The fulfillment message is shown by the waiting page itself.
    next: final ? (message !== null ? `/pay/${encodeURIComponent(payment.id)}/wait` : shop) : null,
    pending: shop,
    message,
    shop,
  };
}

function page(c: Context, status: 200 | 404, body: ReturnType<typeof html>) {
  c.header('cache-control', 'no-store');
  c.header('x-robots-tag', 'noindex');
  c.header('referrer-policy', 'no-referrer');
  return c.html(body, status);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222;text-align:center}
p{line-height:1.5}a{color:#0645ad}.spin{width:2rem;height:2rem;margin:1rem auto;border:.25rem solid #ddd;border-top-color:#555;border-radius:50%;animation:s 1s linear infinite}
@keyframes s{to{transform:rotate(360deg)}}@media (prefers-reduced-motion:reduce){.spin{animation:none}}
.qr svg{width:min(16rem,80vw);height:auto}`;

function waitingPage(
  paymentId: string,
  since: number,
  leftMs: number,
  pending: string,
  c: Context,
  walletUri?: string,
) {
  const nonce = randomBytes(16).toString('base64');
  c.header(
    'content-security-policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; ` +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  const base = `/pay/${encodeURIComponent(paymentId)}`;
  const reload = `${base}/wait?since=${since}`;
  // Data for the script as JSON, with "<" escaped so nothing in it can close the <script> element.
  const config = JSON.stringify({
    status: `${base}/status`,
    pending,
    leftMs: leftMs,
    pollSeconds: POLL_SECONDS,
  }).replace(/</g, '\\u003c');
  const script = `(function () {
  var c = ${config};
  var deadline = Date.now() + c.leftMs;
  function go(url) { window.location.replace(url); }
  function poll() {
    var left = deadline - Date.now();
    if (left <= 0) return go(c.pending);
    var wait = Math.max(1, Math.min(c.pollSeconds, Math.ceil(left / 1000)));
    fetch(c.status + '?wait=' + wait, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('status ' + r.status); return r.json(); })
      .then(function (s) { if (s.final && s.next) go(s.next); else poll(); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${walletUri ? 'Pay with your wallet' : 'Confirming your payment…'}</title>
<noscript><meta http-equiv="refresh" content="${REFRESH_SECONDS};url=${reload}"></noscript>
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
${walletUri ? walletBlock(walletUri) : confirmingBlock()}
<p>You will be taken back to the shop automatically. <a href="${pending}">Back to the shop now</a></p>
<script nonce="${nonce}">${raw(script)}</script>
</body>
</html>`;
}

function confirmingBlock() {
  return html`<h1>Confirming your payment…</h1>
<div class="spin" aria-hidden="true"></div>
<p>We are waiting for the bank's answer. This usually takes a few seconds; please keep this page open.</p>`;
}

/** The QR code of the wallet URI (uqr, as SVG markup: no script, no external resource) and a link to it. */
function walletBlock(walletUri: string) {
  const svg = renderSVG(walletUri, { border: 2 });
  return html`<h1>Pay with your wallet</h1>
<p>Scan this code with your wallet app, or open it on this device.</p>
<div class="qr" role="img" aria-label="QR code of the payment">${raw(svg)}</div>
<p><a href="${walletUri}">Open in your wallet</a></p>
<div class="spin" aria-hidden="true"></div>
<p>This page follows your payment and moves on as soon as it is made; please keep it open.</p>`;
}

/** Paid, with a fulfillment message: the message (as text, escaped) and the way back to the shop. */
function fulfillmentPage(message: string, shop: string) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Thank you</title>
<style>${raw(STYLE)}.msg{white-space:pre-wrap;text-align:left;border:1px solid #ddd;padding:1rem;border-radius:.5rem}</style>
</head>
<body>
<h1>Thank you, your payment is confirmed</h1>
<div class="msg">${message}</div>
<p><a href="${shop}">Continue to the shop</a></p>
</body>
</html>`;
}

function notFoundPage() {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Unknown payment</title></head>
<body><h1>Unknown payment</h1><p>This link does not name a payment we know.</p></body>
</html>`;
}
