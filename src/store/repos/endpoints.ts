import type { Kysely, Selectable } from 'kysely';
import type { Database, EndpointTable } from '../schema.js';

/** The health of one account's webhook endpoint. */
export interface EndpointRecord {
  readonly accountId: string;
  /** The URL as shown to people (see deliveries): a changed URL is a new endpoint. */
  readonly url: string;
  /** Failed attempts since the last success. */
  readonly consecutiveFailures: number;
  /** The first failure since the last success; null while healthy. */
  readonly failingSince: Date | null;
  readonly lastSuccessAt: Date | null;
  /** Set when deliveries stopped (410 Gone, or failing too long); a person re-enables it. */
  readonly disabledAt: Date | null;
  readonly disabledReason: string | null;
  readonly updatedAt: Date;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

function toRecord(r: Selectable<EndpointTable>): EndpointRecord {
  return {
    accountId: r.account_id,
    url: r.url,
    consecutiveFailures: Number(r.consecutive_failures),
    failingSince: date(r.failing_since),
    lastSuccessAt: date(r.last_success_at),
    disabledAt: date(r.disabled_at),
    disabledReason: r.disabled_reason,
    updatedAt: new Date(Number(r.updated_at)),
  };
}

export async function getEndpoint(
  db: Kysely<Database>,
  accountId: string,
): Promise<EndpointRecord | undefined> {
  const row = await db
    .selectFrom('endpoints')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listEndpoints(db: Kysely<Database>): Promise<EndpointRecord[]> {
  return (await db.selectFrom('endpoints').selectAll().orderBy('account_id').execute()).map(toRecord);
}

/**
 * The endpoint row of `accountId`, created healthy on first use. When the configured URL has changed
 * the row starts over (healthy, enabled): the failures and the decision to disable were about the
 * old URL.
 */
export async function ensureEndpoint(
  db: Kysely<Database>,
  input: { accountId: string; url: string; now: Date },
): Promise<EndpointRecord> {
  const now = input.now.getTime();
  await db
    .insertInto('endpoints')
    .values({
      account_id: input.accountId,
      url: input.url,
      consecutive_failures: 0,
      failing_since: null,
      last_success_at: null,
      disabled_at: null,
      disabled_reason: null,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({
          url: input.url,
          consecutive_failures: 0,
          failing_since: null,
          disabled_at: null,
          disabled_reason: null,
          updated_at: now,
        })
        .where('endpoints.url', '<>', input.url),
    )
    .execute();
  const row = await getEndpoint(db, input.accountId);
  if (!row) throw new Error(`endpoint of account ${input.accountId} vanished`);
  return row;
}

/** A delivered attempt: the endpoint is healthy again. Does not re-enable a disabled endpoint. */
export async function recordEndpointSuccess(
  db: Kysely<Database>,
  accountId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('endpoints')
    .set({
      consecutive_failures: 0,
      failing_since: null,
      last_success_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .where('account_id', '=', accountId)
    .execute();
}

/**
 * A failed attempt: one more consecutive failure, failing since the first of them. Returns how long
 * the endpoint has been failing (0 on the first failure after a success).
 */
export async function recordEndpointFailure(
  db: Kysely<Database>,
  accountId: string,
  now: Date,
): Promise<{ consecutiveFailures: number; failingSince: Date; failingForMs: number }> {
  const row = await db
    .updateTable('endpoints')
    .set((eb) => ({
      consecutive_failures: eb('consecutive_failures', '+', 1),
      failing_since: eb.fn.coalesce('failing_since', eb.val(now.getTime())),
      updated_at: now.getTime(),
    }))
    .where('account_id', '=', accountId)
    .returning(['consecutive_failures', 'failing_since'])
    .executeTakeFirst();
  if (!row) throw new Error(`no endpoint row for account ${accountId}`);
  const failingSince = new Date(Number(row.failing_since ?? now.getTime()));
  return {
    consecutiveFailures: Number(row.consecutive_failures),
    failingSince,
    failingForMs: Math.max(0, now.getTime() - failingSince.getTime()),
  };
}

/** Stops deliveries to the endpoint. Returns false when it was already disabled (kept as it was). */
export async function disableEndpoint(
  db: Kysely<Database>,
  accountId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('endpoints')
    .set({ disabled_at: now.getTime(), disabled_reason: reason, updated_at: now.getTime() })
    .where('account_id', '=', accountId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets deliveries go to the endpoint again, its failure count reset. False when it was not disabled. */
export async function enableEndpoint(db: Kysely<Database>, accountId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('endpoints')
    .set({
      disabled_at: null,
      disabled_reason: null,
      consecutive_failures: 0,
      failing_since: null,
      updated_at: now.getTime(),
    })
    .where('account_id', '=', accountId)
    .where('disabled_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
