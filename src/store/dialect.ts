import { type Kysely, PostgresAdapter } from 'kysely';
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
  /**
   * A commit can wake other processes at once (`pg_notify` in the transaction, `LISTEN` elsewhere);
   * when false, other processes learn of new jobs only by polling.
   */
  readonly listenNotify: boolean;
  /** Column types used by migrations. */
  readonly types: { readonly bigint: 'integer' | 'bigint'; readonly bytes: 'blob' | 'bytea' };
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly capabilities: Capabilities;
  /** Where the data lives, with any password removed: safe to print. */
  readonly location: string;
  /**
   * Present when `capabilities.listenNotify`: calls `onNotify` for every notification on `channel`,
   * over one connection of its own kept open (reconnected with backoff when it drops; `onNotify` is
   * called after each reconnection too, since notifications sent meanwhile are lost).
   */
  listen?(channel: string, onNotify: () => void, onError?: (error: unknown) => void): Listener;
  close(): Promise<void>;
}

export interface Listener {
  /** Resolves once the first LISTEN is in place (tests wait for it). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether a statement run through `db` can send a notification delivered at commit (`pg_notify`).
 * Asked of the Kysely adapter, which a transaction shares with its store, so repos that receive a
 * transaction (and no `Store`) can still tell.
 */
export function canNotify(db: Kysely<Database> | Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
