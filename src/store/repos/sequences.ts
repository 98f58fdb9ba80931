import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Next value of a named counter, starting at 1. Atomic on both dialects (upsert … returning). */
export async function nextSequenceValue(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db
    .insertInto('sequences')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('sequences.value', '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
