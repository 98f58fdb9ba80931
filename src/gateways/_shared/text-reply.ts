import { ERROR_CODES } from '../../core/index.js';
import type { GatewayReply, ReplyOutcome } from '../gateway.js';

/**
 * A one-line plain-text answer for a gateway's back office: no markup, no control characters, valid
 * UTF-8, at most `maxBytes` bytes (cut at a code point, marked with an ellipsis).
 */
export function textReply(status: number, line: string, maxBytes: number): GatewayReply {
  return { status, contentType: 'text/plain; charset=utf-8', body: truncateUtf8(sanitize(line), maxBytes) };
}

/**
 * The plain-text convention shared by gateways that take any 2xx as delivered: `OK …` (200),
 * `KO <CODE> …` for a refusal, `RETRY …` (503) when nothing was stored.
 */
export function plainTextReply(outcome: ReplyOutcome, maxBytes: number): GatewayReply {
  switch (outcome.kind) {
    case 'accepted':
      return textReply(200, `OK ${outcome.detail}`, maxBytes);
    case 'rejected':
      return refusalReply(outcome, maxBytes);
    case 'unavailable':
      return unavailableReply(outcome, maxBytes);
  }
}

/**
 * `KO <CODE> …` with a 4xx: the outcome's status, else the code's own, else 400 — never a 5xx, which a
 * gateway reads as "retry" and a refusal will not change.
 */
export function refusalReply(
  outcome: Extract<ReplyOutcome, { kind: 'rejected' }>,
  maxBytes: number,
): GatewayReply {
  const own = ERROR_CODES[outcome.code].status;
  const status = isClientError(outcome.status) ? outcome.status : isClientError(own) ? own : 400;
  return textReply(status, `KO ${outcome.code} ${outcome.detail}`, maxBytes);
}

/** `RETRY …` with 503: nothing was stored, so the gateway must send it again. */
export function unavailableReply(
  outcome: Extract<ReplyOutcome, { kind: 'unavailable' }>,
  maxBytes: number,
): GatewayReply {
  return textReply(503, `RETRY ${outcome.detail}`, maxBytes);
}

function isClientError(status: number): boolean {
  return status >= 400 && status <= 499;
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
