import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Accounts live in the config file; this mirror gives payments a foreign key and history a name. */
export async function upsertAccount(
  db: Kysely<Database>,
  account: { id: string; gateway: string; mode: string },
  now: Date,
): Promise<void> {
  await db
    .insertInto('accounts')
    .values({ ...account, created_at: now.getTime(), updated_at: now.getTime() })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ gateway: account.gateway, mode: account.mode, updated_at: now.getTime() }),
    )
    .execute();
}
