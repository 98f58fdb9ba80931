import { ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import type { GatewayProfile } from '../profiles.js';
import type { DoctorStep } from '../types.js';
import type { HttpAnswer } from './http.js';

/** What reading the answer found, for the classification. */
export interface AnswerFinding {
  readonly step: DoctorStep;
  readonly problem?: 'html-answer' | 'oversize-answer' | 'unexpected-answer';
  /** Why, in words (the gateway's rule that the answer breaks). */
  readonly why?: string;
  /** Advice that does not make the URL fail. */
  readonly notes: readonly string[];
  /** The stable code when the answer is quittance's own refusal (`KO <CODE> …` or `{"error":{"code":…}}`). */
  readonly quittanceCode?: ErrorCode;
}

/** Characters of the answer shown in the report. */
const SHOWN_CHARS = 120;

const HTML = /<html[\s>]|<!doctype/i;

/**
 * quittance answers gateways with one plain line `KO <CODE> <reason>` (src/gateways/<g>/index.ts `reply()`) and its
 * own API with `{"error":{"code":"<CODE>",…}}` (src/http/app.ts); CODE is one of ERROR_CODES (src/core/errors.ts).
 */
export function quittanceRefusal(text: string): ErrorCode | undefined {
  const line = /^KO ([A-Z][A-Z_]+)\b/.exec(text);
  const code = line?.[1] ?? jsonErrorCode(text);
  return code !== undefined && Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : undefined;
}

function jsonErrorCode(text: string): string | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const error = (parsed as { error?: { code?: unknown } } | null)?.error;
    return typeof error?.code === 'string' ? error.code : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the answer: size against the gateway's limit, HTML, the format the gateway expects (2xx answers only). */
export function checkAnswer(answer: HttpAnswer, profile: GatewayProfile): AnswerFinding {
  const chars = [...answer.text].length;
  const shown = show(answer.text);
  const size = `${answer.bytes} bytes${chars !== answer.bytes ? ` (${chars} characters)` : ''}`;
  const type = answer.contentType ? `, ${answer.contentType}` : '';
  const described = `${size}${type}${answer.bytes > 0 ? `, begins: ${shown}` : ', empty'}`;
  const data = {
    bytes: answer.bytes,
    characters: chars,
    ...(answer.contentType ? { contentType: answer.contentType } : {}),
    firstBytes: answer.text.slice(0, SHOWN_CHARS),
    limit: profile.answerLimit.chars,
  };
  const quittanceCode = quittanceRefusal(answer.text);
  const success = answer.status >= 200 && answer.status <= 299;
  const html = HTML.test(answer.text);
  const fail = (problem: NonNullable<AnswerFinding['problem']>, why: string): AnswerFinding => ({
    step: { name: 'answer', ok: false, durationMs: 0, detail: `${described}: ${why}`, data },
    problem,
    why,
    notes: [],
    ...(quittanceCode ? { quittanceCode } : {}),
  });
  if (success && html) {
    return fail('html-answer', 'an HTML page, not the short answer of a notification handler');
  }
  const verdict = success && profile.checkAnswer ? profile.checkAnswer(answer.text) : {};
  if (verdict.problem) return fail('unexpected-answer', verdict.problem);
  // Characters, as Lyra counts them; beyond the part kept only the byte count is known, and it is above any limit.
  const truncated = answer.bytes > Buffer.byteLength(answer.text);
  const length = truncated ? answer.bytes : chars;
  if (success && length > profile.answerLimit.chars) {
    return fail(
      'oversize-answer',
      `longer than ${profile.answerLimit.chars} characters: ${profile.answerLimit.why}`,
    );
  }
  const notes = verdict.note ? [verdict.note] : [];
  return {
    step: {
      name: 'answer',
      ok: true,
      durationMs: 0,
      detail: `${described}${notes.length > 0 ? `; note: ${notes.join('; ')}` : ''}`,
      data,
    },
    notes,
    ...(quittanceCode ? { quittanceCode } : {}),
  };
}

/** The answer's beginning on one line, control characters shown as spaces, quoted. */
function show(text: string): string {
  const flat = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  const cut = [...flat].slice(0, SHOWN_CHARS).join('');
  return JSON.stringify(cut.length < flat.length ? `${cut}…` : cut);
}
