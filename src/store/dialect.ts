import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * What a database can do, so callers branch on a capability rather than on a dialect name
 * (Kysely's adapter flags idea).
 */
export interface Capabilities {
  /** Several connections may write at once (PostgreSQL); else one writer at a time (SQLite). */
  readonly concurrentWriters: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED` is available for claiming jobs. */
  readonly skipLocked: boolean;
  /** Column types used by migrations. */
  readonly types: { readonly bigint: 'integer' | 'bigint'; readonly bytes: 'blob' | 'bytea' };
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly capabilities: Capabilities;
  /** Where the data lives, with any password removed: safe to print. */
  readonly location: string;
  close(): Promise<void>;
}
