import type { Kysely, Selectable } from 'kysely';
import type { Database, InboxTable } from '../schema.js';

export const INBOX_KINDS = ['notification', 'return'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/**
 * `received` is the state between the insert and the verdict, inside one transaction; it is seen
 * outside only if processing crashed, and then `error` replaces it. `unmatched`: authentic, but no
 * payment of ours matches, kept for a person. `pending`: acknowledged, waiting for its fetch-back (protocols that do
 * not sign: the gateway is asked from a job, and the verdict follows).
 */
export const INBOX_VERDICTS = [
  'received',
  'pending',
  'verified',
  'unmatched',
  'rejected',
  'unparseable',
  'error',
] as const;
export type InboxVerdict = (typeof INBOX_VERDICTS)[number];

export interface InboxRecord {
  readonly id: string;
  readonly accountId: string | null;
  readonly kind: InboxKind;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly bodyTruncated: boolean;
  readonly sourceIp: string;
  readonly receivedAt: Date;
  readonly verdict: InboxVerdict;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly answerStatus: number | null;
  readonly answerBody: string | null;
  readonly processedAt: Date | null;
}

/** What arrived: the record before any verdict (a verdict and reason may be given up front). */
export type NewInboxEntry = Omit<
  InboxRecord,
  'verdict' | 'reasonCode' | 'reason' | 'answerStatus' | 'answerBody' | 'processedAt'
> & {
  readonly verdict?: InboxVerdict;
  readonly reasonCode?: string | null;
  readonly reason?: string | null;
};

export interface InboxOutcome {
  readonly verdict: InboxVerdict;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly answerStatus: number;
  readonly answerBody: string;
  readonly processedAt: Date;
}

export function inboxFromRow(row: Selectable<InboxTable>): InboxRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind as InboxKind,
    method: row.method,
    path: row.path,
    query: row.query,
    headers: JSON.parse(row.headers_json),
    body: new Uint8Array(row.body),
    bodyTruncated: Number(row.body_truncated) === 1,
    sourceIp: row.source_ip,
    receivedAt: new Date(Number(row.received_at)),
    verdict: row.verdict as InboxVerdict,
    reasonCode: row.reason_code,
    reason: row.reason,
    answerStatus: row.answer_status === null ? null : Number(row.answer_status),
    answerBody: row.answer_body,
    processedAt: row.processed_at === null ? null : new Date(Number(row.processed_at)),
  };
}

export async function insertInboxEntry(db: Kysely<Database>, e: NewInboxEntry): Promise<void> {
  await db
    .insertInto('inbox')
    .values({
      id: e.id,
      account_id: e.accountId,
      kind: e.kind,
      method: e.method,
      path: e.path,
      query: e.query,
      headers_json: JSON.stringify(e.headers),
      body: e.body,
      body_truncated: e.bodyTruncated ? 1 : 0,
      source_ip: e.sourceIp,
      received_at: e.receivedAt.getTime(),
      verdict: e.verdict ?? 'received',
      reason_code: e.reasonCode ?? null,
      reason: e.reason ?? null,
      answer_status: null,
      answer_body: null,
      processed_at: null,
    })
    .execute();
}

export async function recordInboxOutcome(db: Kysely<Database>, id: string, o: InboxOutcome): Promise<void> {
  await db
    .updateTable('inbox')
    .set({
      verdict: o.verdict,
      reason_code: o.reasonCode,
      reason: o.reason,
      answer_status: o.answerStatus,
      answer_body: o.answerBody,
      processed_at: o.processedAt.getTime(),
    })
    .where('id', '=', id)
    .execute();
}

/** A later verdict (fetch-back protocols): the answer was given at ingest and stays as it was. */
export async function recordLateVerdict(
  db: Kysely<Database>,
  id: string,
  v: { verdict: InboxVerdict; reasonCode: string | null; reason: string | null; processedAt: Date },
): Promise<void> {
  await db
    .updateTable('inbox')
    .set({
      verdict: v.verdict,
      reason_code: v.reasonCode,
      reason: v.reason,
      processed_at: v.processedAt.getTime(),
    })
    .where('id', '=', id)
    .execute();
}

export async function findInboxEntry(db: Kysely<Database>, id: string): Promise<InboxRecord | undefined> {
  const row = await db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row && inboxFromRow(row);
}
