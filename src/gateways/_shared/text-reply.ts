import type { GatewayReply } from '../gateway.js';

/**
 * A one-line plain-text answer for a gateway's back office: no markup, no control characters, valid
 * UTF-8, at most `maxBytes` bytes (cut at a code point, marked with an ellipsis).
 */
export function textReply(status: number, line: string, maxBytes: number): GatewayReply {
  return { status, contentType: 'text/plain; charset=utf-8', body: truncateUtf8(sanitize(line), maxBytes) };
}

function sanitize(line: string): string {
  return line
    .replace(/\p{Cs}/gu, '\uFFFD')
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/[<>]/g, '')
    .trim();
}

function truncateUtf8(line: string, maxBytes: number): string {
  if (Buffer.byteLength(line) <= maxBytes) return line;
  const ellipsis = '…';
  let budget = maxBytes - Buffer.byteLength(ellipsis);
  let out = '';
  for (const char of line) {
    budget -= Buffer.byteLength(char);
    if (budget < 0) break;
    out += char;
  }
  return out + ellipsis;
}
