import type { ErrorCode } from '../core/errors.js';
import type { AnswerFinding } from './checks/answer.js';
import type { HttpOutcome } from './checks/http.js';
import { seconds } from './checks/timing.js';
import type { TlsFailure } from './checks/tls.js';
import type { Probe } from './probe.js';
import type { GatewayProfile } from './profiles.js';
import type { DoctorClass } from './types.js';

/** What the probe found, step by step; a missing step was not reached. */
export interface Findings {
  readonly profile: GatewayProfile;
  readonly url: URL;
  readonly timeoutMs: number;
  readonly probe: Probe;
  readonly dnsFailed?: string;
  readonly tcpFailed?: string;
  readonly tls?: {
    readonly failure?: TlsFailure;
    readonly code?: string;
    readonly warnings: readonly string[];
  };
  readonly http?: HttpOutcome;
  readonly answer?: AnswerFinding;
}

export interface Diagnosis {
  readonly ok: boolean;
  readonly class: DoctorClass;
  readonly status?: number;
  readonly location?: string;
  readonly explanation: string;
}

/**
 * quittance refused the probe itself, for a reason that shows the URL works: the request reached quittance, which
 * read it and found the signature missing or wrong, a field absent, this machine outside the allowlist... A real
 * notification, signed by the gateway and sent from its addresses, passes. Only "no such account" and "nothing at
 * this path" say the URL is wrong.
 */
const QUITTANCE_WRONG_URL: ReadonlySet<ErrorCode> = new Set(['UNKNOWN_ACCOUNT', 'NOT_FOUND']);

/**
 * The rule (README "When notifications fail"): the first step that fails decides (dns, connection, tls, timeout);
 * then the HTTP status (3xx, 4xx, 5xx each to its class), except that a 4xx which is quittance's own refusal
 * (`KO <CODE>` or `{"error":{"code":…}}`) of the unsigned or foreign probe counts as ok; then, for a 2xx, the answer
 * (HTML, the gateway's format, size).
 */
export function diagnose(f: Findings): Diagnosis {
  const g = words(f.profile);
  if (f.dnsFailed !== undefined) return fail('dns', explainDns(f, g));
  if (f.tcpFailed !== undefined) return fail('connection', explainConnection(f, g));
  if (f.tls?.failure !== undefined) return fail('tls', explainTls(f, g));
  const http = f.http;
  if (!http) return fail('connection', 'The probe could not be sent.');
  if (http.kind === 'timeout') return fail('timeout', explainTimeout(f, g));
  if (http.kind === 'error') return fail('connection', explainHttpError(http.code, http.message, g));

  const { status } = http;
  const located = http.location !== undefined ? { location: http.location } : {};
  const base = { status, ...located };
  const refusal = f.answer?.quittanceCode;
  if (status >= 400 && status <= 499 && refusal !== undefined) {
    if (QUITTANCE_WRONG_URL.has(refusal)) {
      return { ok: false, class: 'not-found', ...base, explanation: explainQuittanceNotFound(f, refusal) };
    }
    return { ok: true, class: 'ok', ...base, explanation: explainQuittanceRefusal(f, g, status, refusal) };
  }
  const byStatus = classOfStatus(status);
  if (byStatus !== 'ok') {
    return {
      ok: false,
      class: byStatus,
      ...base,
      explanation: explainStatus(byStatus, f, g, status, http.location),
    };
  }
  if (f.answer?.problem) {
    return { ok: false, class: f.answer.problem, ...base, explanation: explainAnswer(f.answer, f, g) };
  }
  return { ok: true, class: 'ok', ...base, explanation: explainOk(f, g, status) };
}

/** The class an HTTP status alone gives (2xx: ok; the answer's content is judged apart). */
export function classOfStatus(status: number): DoctorClass {
  if (status >= 200 && status <= 299) return 'ok';
  if (status >= 300 && status <= 399) return 'redirect';
  switch (status) {
    case 401:
    case 407:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 410:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 408:
      return 'timeout';
    case 429:
      return 'unavailable';
    case 500:
      return 'server-error';
    case 502:
    case 504:
      return 'bad-gateway';
    case 503:
      return 'unavailable';
  }
  if (status >= 500) return 'server-error';
  // 400, 411, 413, 415, 422… and anything outside the known ranges: the request was not accepted as sent.
  return 'bad-request';
}

function fail(cls: DoctorClass, explanation: string): Diagnosis {
  return { ok: false, class: cls, explanation };
}

// ---------------------------------------------------------------------------------------------
// Words

interface GatewayWords {
  /** "Lyra Collect (…)" or "the gateway". */
  readonly name: string;
  /** Where the notification URL is set, for this gateway. */
  readonly whereUrl: string;
  /** "the empty code"-style failure the gateway shows for a call that got no HTTP answer. */
  readonly emptyCode: string;
  readonly sourceIps: string;
}

function words(profile: GatewayProfile): GatewayWords {
  const name = profile.id ? profile.name : 'the gateway';
  return {
    name,
    whereUrl:
      WHERE_URL[profile.id ?? ''] ??
      "in the gateway's back office (or wherever the shop sends it with each payment)",
    emptyCode: `${capitalised(name)} then shows the call as failed with an EMPTY code (no HTTP status: there was no answer at all)`,
    sourceIps:
      profile.sourceIps.length > 0
        ? `${name} calls from ${profile.sourceIps.join(', ')}: allow these addresses`
        : `${profile.id ? name : 'The gateway'} publishes no source addresses${profile.id ? ' quittance knows of' : ''}: ask its support for them, or allow the notification path for every address (the notification is authenticated by its signature, not by its origin)`,
  };
}

const QUITTANCE_PUBLIC_URL =
  "quittance sends the notification URL with each payment, built from publicUrl in quittance's configuration: set publicUrl to the final address";

const WHERE_URL: Readonly<Record<string, string>> = {
  lyra:
    `${QUITTANCE_PUBLIC_URL} (vads_url_check); Lyra's Back Office rule "Instant Payment Notification URL at the end of payment" ` +
    '(Settings > Notification rules) is used for resends: put the final URL there too',
  sips: `${QUITTANCE_PUBLIC_URL} (automaticResponseUrl)`,
  triveneto: `${QUITTANCE_PUBLIC_URL} (responseURL of PaymentInit)`,
  payplug: `${QUITTANCE_PUBLIC_URL} (notification_url)`,
  paypal: `${QUITTANCE_PUBLIC_URL} (notify_url of the button; the IPN URL of the PayPal profile serves buttons that name none)`,
  taler: 'in the Taler merchant backend, as the url of each webhook (POST /private/webhooks)',
  adyen: "in Adyen's Customer Area, as the webhook's URL",
};

function explainDns(f: Findings, g: GatewayWords): string {
  return (
    `The host name ${f.url.hostname} does not resolve to any address (${f.dnsFailed}), so ${g.name} cannot even ` +
    `start the call; ${g.emptyCode}. Check the spelling of the URL, that the domain is registered and has not ` +
    'expired, and that its DNS has an A (or AAAA) record for this name.'
  );
}

function explainConnection(f: Findings, g: GatewayWords): string {
  const port = f.url.port || (f.url.protocol === 'https:' ? '443' : '80');
  const why =
    f.tcpFailed === 'ECONNREFUSED'
      ? `nothing accepts connections on port ${port} (connection refused): the web server or quittance is stopped, or listens on another port`
      : f.tcpFailed === 'ETIMEDOUT'
        ? `nothing answers on port ${port}: a firewall silently drops the connection, or the host is down`
        : `the connection to port ${port} fails (${f.tcpFailed})`;
  return (
    `The host resolves, but ${why}. ${g.emptyCode}. Start the server, check the port in the URL, and open the ` +
    `port in the firewall. ${g.sourceIps}.`
  );
}

function explainHttpError(code: string, message: string, g: GatewayWords): string {
  return (
    `The connection opened, but the HTTP exchange broke (${code}: ${message}): the server closed the connection ` +
    `without answering, or does not speak HTTP on this port. ${g.emptyCode}. Check that the URL's scheme ` +
    '(http or https) and port match what the server serves, and look at the web server log.'
  );
}

function explainTls(f: Findings, g: GatewayWords): string {
  const code = f.tls?.code ? ` (${f.tls.code})` : '';
  const fix: Record<TlsFailure, string> = {
    'incomplete-chain':
      'the server does not send its intermediate certificate: browsers often repair that themselves, payment ' +
      "gateways do not. Install the full chain (your certificate followed by the CA's intermediate; with Let's " +
      "Encrypt use fullchain.pem, not cert.pem) in the web server's TLS settings",
    'self-signed':
      "the certificate is self-signed: no gateway trusts it. Use a certificate from a public CA (Let's Encrypt is free)",
    expired: 'the certificate has expired: renew it, and check why automatic renewal did not run',
    'not-yet-valid': "the certificate is not valid yet: check the server's clock, or wait for its start date",
    hostname:
      `the certificate is not issued for ${f.url.hostname}: a certificate for another name (say www. versus no www., ` +
      "or a hosting provider's default certificate) is served. Install a certificate that names this host",
    untrusted:
      'the certificate chain is not trusted by the standard CA list: use a certificate from a public CA',
    handshake:
      'the TLS handshake itself fails: the port may not speak TLS (an http server on an https URL), or the server ' +
      'offers only old protocol versions (TLS 1.2 or later is required)',
    timeout:
      'the TLS handshake does not complete in time: the server is overloaded or a middlebox blocks TLS',
  };
  const failure = f.tls?.failure ?? 'untrusted';
  return (
    `HTTPS fails${code}: ${fix[failure]}. ${g.emptyCode}; the notification never reaches your handler. ` +
    'Check again with quittance doctor after the change.'
  );
}

function explainTimeout(f: Findings, g: GatewayWords): string {
  return (
    `No complete answer within ${seconds(f.timeoutMs)}${timeoutOrigin(f, g)}. The ` +
    'gateway counts the call as failed and may retry, or may not. A notification handler must only store the ' +
    'notification and acknowledge it at once; slow work (e-mails, invoices, stock, calls to other services) belongs ' +
    'in a queue processed afterwards. Also check for a slow database or a lock held by another request.'
  );
}

function explainStatus(
  cls: DoctorClass,
  f: Findings,
  g: GatewayWords,
  status: number,
  location: string | undefined,
): string {
  const probe = f.probe.signed
    ? ''
    : ' (The probe is not signed, as no account was given: if this answer comes from your notification handler refusing an unsigned message, not from the web server, the URL itself works.)';
  switch (cls) {
    case 'redirect': {
      const target = location ? `to ${location}` : 'without a Location header';
      const kind = redirectKind(f.url, location);
      const lyra = f.profile.redirectCountsAsDelivered
        ? ` ${g.name} counts a ${status} as delivered and will not retry, yet the POST data is lost on the way: the notification silently disappears.`
        : '';
      return (
        `The URL answers ${status}, a redirect ${target}${kind}. Gateways do not follow redirects (and a POST ` +
        `redirected becomes a GET without its body), so the notification never reaches the handler.${lyra} Put the ` +
        `final URL${location ? ` (${absoluteLocation(f.url, location)})` : ''} where the gateway takes it: ${g.whereUrl}.`
      );
    }
    case 'bad-request':
      return (
        `The server answers ${status}: it refuses the request as malformed before the handler reads it. Check the ` +
        'URL for typos, stray spaces or characters that need encoding, a query string the application does not ' +
        "expect, and that the server accepts the gateway's content type " +
        `(${f.profile.contentType}) and body size.${probe}`
      );
    case 'unauthorized':
      return (
        `The server answers ${status}: the path is password-protected (an .htaccess / .htpasswd, HTTP basic auth, a ` +
        'staging-site or maintenance protection). Gateways send no credentials: exclude the notification path from ' +
        `the protection.${probe}`
      );
    case 'forbidden':
      return (
        `The server answers ${status}: a firewall, a WAF (ModSecurity, Cloudflare, a security plugin) or an IP filter ` +
        `blocks the request. ${g.sourceIps}. Also allow POST requests of type ${f.profile.contentType} without a browser ` +
        `User-Agent or cookies on this path.${probe}`
      );
    case 'not-found':
      return (
        `The server answers ${status}: nothing is at this path. The URL was renamed or mistyped (the module or plugin ` +
        'was moved, reinstalled or removed, or the site moved). For quittance the path is /notify/<account id>: check ' +
        `the account id against quittance's configuration. Then fix the URL ${g.whereUrl}.`
      );
    case 'method-not-allowed':
      return (
        `The server answers ${status}: this URL does not accept POST. The handler accepts only GET (or the path is a ` +
        `static page), but ${g.name} POSTs its notifications: point the URL at the handler that accepts POST.`
      );
    case 'server-error':
      return (
        `The server answers ${status}: the application failed while handling the notification. Look at the ` +
        "application's error log at the time of this probe (look for the reference " +
        `${f.probe.orderRef}); a handler must answer even for a payment it does not know.`
      );
    case 'bad-gateway':
      return (
        `The server answers ${status}: the proxy in front (nginx, Apache, a load balancer or a CDN) cannot get an ` +
        `answer from the application behind it${status === 504 ? ' in time' : ''}: the application is stopped, ` +
        'crashed, or listens elsewhere than the proxy expects. Check that the application (quittance, PHP-FPM…) runs, ' +
        "and the proxy's upstream address."
      );
    case 'unavailable': {
      const retry = f.http?.kind === 'answer' && /^RETRY\b/.test(f.http.text);
      return (
        `The server answers ${status}: the site is in maintenance mode or overloaded${status === 429 ? ' (rate limiting)' : ''}. ` +
        `${retry ? 'The answer is quittance\'s own "RETRY": its database could not store the notification. ' : ''}` +
        'Take the site out of maintenance or exempt the notification path from it, and check the server load; ' +
        `notifications that arrive meanwhile are lost unless ${g.name} retries.`
      );
    }
    case 'timeout':
      return explainTimeout(f, g);
    default:
      return `The server answers ${status}.`;
  }
}

function redirectKind(url: URL, location: string | undefined): string {
  if (!location) return '';
  let target: URL;
  try {
    target = new URL(location, url);
  } catch {
    return '';
  }
  if (url.protocol === 'http:' && target.protocol === 'https:')
    return ' (http → https: use the https:// URL)';
  const bare = (h: string) => h.replace(/^www\./, '');
  if (target.hostname !== url.hostname && bare(target.hostname) === bare(url.hostname)) {
    return target.hostname.startsWith('www.') ? ' (to the www. host)' : ' (to the host without www.)';
  }
  if (target.pathname !== url.pathname && target.pathname === `${url.pathname}/`)
    return ' (a trailing slash added)';
  return '';
}

function absoluteLocation(url: URL, location: string): string {
  try {
    return new URL(location, url).toString();
  } catch {
    return location;
  }
}

function explainAnswer(answer: AnswerFinding, f: Findings, g: GatewayWords): string {
  switch (answer.problem) {
    case 'html-answer':
      return (
        `The server answers ${f.http?.kind === 'answer' ? f.http.status : '2xx'} with an HTML page instead of the short answer of a notification handler: a CMS page ` +
        '(the shop\'s home or "page not found" page served with status 200), a maintenance page or an error page. ' +
        'The request does not reach the handler: check the URL (path, rewrite rules) and that the handler is installed.'
      );
    case 'oversize-answer':
      return (
        `The answer is too long (${answer.step.data?.characters} characters, over ${f.profile.answerLimit.chars}): ` +
        `${f.profile.answerLimit.why}. Answer one short plain-text line (a status word, a reference), ` +
        'not a page or a debug dump: a long answer is usually an error page or warnings printed before the real answer.'
      );
    case 'unexpected-answer':
      return `The answer is not what ${g.name} expects: ${answer.why}.`;
    default:
      return `The answer is not right for ${g.name}.`;
  }
}

function explainQuittanceRefusal(f: Findings, g: GatewayWords, status: number, code: ErrorCode): string {
  const why = f.probe.signed
    ? signedRefusal(code)
    : `the probe is not signed, so quittance refused it (${code}) exactly as it would refuse a forgery`;
  return (
    `The URL works: it reaches quittance, which answered ${status} ${code} because ${why}. A genuine notification ` +
    `from ${g.name} would be accepted.${code === 'IP_NOT_ALLOWED' ? ` ${g.sourceIps}.` : ''}${warnings(f)}`
  );
}

function signedRefusal(code: ErrorCode): string {
  switch (code) {
    case 'SIGNATURE_MISMATCH':
    case 'SITE_MISMATCH':
    case 'MODE_MISMATCH':
    case 'UNSUPPORTED_ALGORITHM':
      return "the account at this URL holds other credentials than the configuration given to doctor (key, shop id or mode): make sure the server's configuration holds the keys from the gateway's back office";
    case 'IP_NOT_ALLOWED':
      return "this machine is outside the account's allowed source addresses (allowedIps), as it should be";
    default:
      return `it refused the probe (${code})`;
  }
}

function explainQuittanceNotFound(f: Findings, code: ErrorCode): string {
  const account = /\/notify\/([^/]+)/.exec(f.url.pathname)?.[1];
  return code === 'UNKNOWN_ACCOUNT'
    ? `The URL reaches quittance, but no account "${account ?? '?'}" is configured there (404 UNKNOWN_ACCOUNT): the account id in /notify/<account id> is wrong or was renamed. Use the id of the account in quittance's configuration.`
    : `The URL reaches quittance, but nothing is at ${f.url.pathname} (404 NOT_FOUND): quittance's notification URL is /notify/<account id>.`;
}

function explainOk(f: Findings, g: GatewayWords, status: number): string {
  const stored = f.probe.signed
    ? ` The test notification (reference ${f.probe.orderRef}) was signed like a real one: quittance keeps it as unmatched, since no such payment exists.`
    : '';
  const notes = f.answer?.notes.length ? ` Note: ${f.answer.notes.join('; ')}.` : '';
  return `The URL works for ${g.name}: it answered ${status} in time, without redirect, with an acceptable answer.${stored}${notes}${warnings(f)}`;
}

function warnings(f: Findings): string {
  const list = f.tls?.warnings ?? [];
  return list.length > 0 ? ` Warning: ${list.join('; ')}.` : '';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function timeoutOrigin(f: Findings, g: GatewayWords): string {
  if (f.timeoutMs !== f.profile.timeoutMs) {
    return ` (set by --timeout; ${g.name} waits ${seconds(f.profile.timeoutMs)}: ${f.profile.timeoutSource})`;
  }
  return `, the time ${g.name} waits (${f.profile.timeoutSource})`;
}
