import { type InboxRecord, type InboxVerdict, listInbox } from '../store/repos/inbox.js';
import type { Engine } from './engine.js';

/** An inbox entry as the API shows it: what arrived and what we decided, without the body. */
export interface InboxEntryView {
  readonly id: string;
  readonly account: string | null;
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly sourceIp: string;
  readonly receivedAt: string;
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  readonly verdict: InboxVerdict;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly answerStatus: number | null;
}

export async function listInboxEntries(
  engine: Engine,
  filter: { account?: string; verdict?: InboxVerdict; limit?: number },
): Promise<InboxEntryView[]> {
  const rows = await listInbox(engine.store.db, {
    ...(filter.account ? { accountId: filter.account } : {}),
    ...(filter.verdict ? { verdict: filter.verdict } : {}),
    limit: filter.limit ?? 50,
  });
  return rows.map(view);
}

function view(e: InboxRecord): InboxEntryView {
  return {
    id: e.id,
    account: e.accountId,
    kind: e.kind,
    method: e.method,
    path: e.path,
    sourceIp: e.sourceIp,
    receivedAt: e.receivedAt.toISOString(),
    bodyBytes: e.body.byteLength,
    bodyTruncated: e.bodyTruncated,
    verdict: e.verdict,
    reasonCode: e.reasonCode,
    reason: e.reason,
    answerStatus: e.answerStatus,
  };
}
