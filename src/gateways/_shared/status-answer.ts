import type { ErrorCode } from '../../core/index.js';
import type { StatusAnswer } from '../gateway.js';
import type { ApiAnswer } from './api-call.js';

export function failedAnswer(
  retryable: boolean,
  reason: string,
  code: ErrorCode = 'GATEWAY_UNAVAILABLE',
): StatusAnswer {
  return { kind: 'failed', code, reason, retryable };
}

/** The API could not be asked: retryable, whatever the cause. `at` names the call ("PayPlug's API (GET …)"). */
export function unreachableAnswer(
  at: string,
  result: Extract<ApiAnswer, { kind: 'unreachable' }>,
): StatusAnswer {
  return failedAnswer(
    true,
    result.timedOut
      ? `${at} did not answer in time; asking again later.`
      : `${at} could not be reached (${result.detail}); asking again later.`,
  );
}

/**
 * What a non-2xx, non-404 answer of a status API means: the key refused (401/403: asking again will not help, a
 * person must fix the key, `key.hint` says where), the API busy or down (5xx, 408, 429: ask again later), anything
 * else not retryable (a 3xx says the apiBase is wrong). Undefined for a 2xx, which the caller reads.
 */
export function httpFailure(
  at: string,
  status: number,
  said: string,
  key: { readonly name: string; readonly hint: string },
): StatusAnswer | undefined {
  if (status === 401 || status === 403) {
    return failedAnswer(
      false,
      `${at} refused the ${key.name} (HTTP ${status}${said}): ${key.hint}.`,
      'UNAUTHORIZED',
    );
  }
  if (status >= 500 || status === 408 || status === 429) {
    return failedAnswer(true, `${at} answered HTTP ${status}${said}; asking again later.`);
  }
  if (status < 200 || status > 299) {
    const hint = status >= 300 && status < 400 ? ': check credentials.apiBase' : '';
    return failedAnswer(false, `${at} answered HTTP ${status}${said}${hint}.`);
  }
  return undefined;
}
