/**
 * Redaction of what people are shown (raw inbox requests on pages and in API answers). Pure.
 *
 * - every configured secret is replaced by `[redacted]`, as it is and in the forms a request carries
 *   it: percent-encoded (a form or query), form-encoded (`+` for spaces), base64 and base64url;
 * - card numbers (13 to 19 digits, optionally grouped by single spaces, dashes or their URL/form
 *   encodings, passing Luhn) are masked as the first six digits + `…` + the last four;
 * - headers that carry credentials (`authorization`, `cookie`, …) are replaced whole.
 */

export const REDACTED = '[redacted]';

export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

/**
 * Digits grouped by at most one separator (space, dash, `+` as a form encodes a space, or the escapes
 * `%20`, `%2B`, `%2D`), bounded by non-digits. A run may start right after an escape (`card%204012…`:
 * the `20` belongs to the escape, not to the number). Checked further below.
 */
const CARD_CANDIDATE = /(?:(?<=%[0-9A-Fa-f]{2})|(?<![0-9%]))\d(?:(?:[ +-]|%20|%2[BbDd])?\d){12,18}(?!\d)/g;
const SEPARATORS = /[ +-]|%20|%2[BbDd]/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** `4111111111111111` → `411111…1111`. Runs that do not pass Luhn are left as they are. */
export function maskCardNumbers(text: string): string {
  return text.replace(CARD_CANDIDATE, (match) => {
    const digits = match.replace(SEPARATORS, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return match;
    return `${digits.slice(0, 6)}…${digits.slice(-4)}`;
  });
}

/** The spellings of a secret that may appear in a request, longest first. */
export function secretForms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const base64 = bytesToBase64(bytes);
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    base64,
    base64.replace(/=+$/, ''),
    base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  ]);
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** Replaces every secret (in every form of `secretForms`) by `[redacted]`. Empty secrets are ignored. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap(secretForms))].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  return out;
}

/** Secrets removed, then card numbers masked. */
export function redactText(text: string, secrets: readonly string[]): string {
  return maskCardNumbers(redactSecrets(text, secrets));
}

/** Credential headers replaced whole; every other value redacted as text. Names are kept as given. */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  secrets: readonly string[],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      SENSITIVE_HEADERS.has(name.toLowerCase()) ? REDACTED : redactText(value, secrets),
    ]),
  );
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Plain base64 without Buffer, so core stays free of Node APIs. */
function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[(n >> 18) & 63];
    out += BASE64[(n >> 12) & 63];
    out += b === undefined ? '=' : BASE64[(n >> 6) & 63];
    out += c === undefined ? '=' : BASE64[n & 63];
  }
  return out;
}
