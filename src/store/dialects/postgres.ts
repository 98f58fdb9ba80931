import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { QuittanceError } from '../../core/errors.js';
import type { Listener, Store } from '../dialect.js';
import type { Database } from '../schema.js';

export interface PostgresOptions {
  /** Connections in the pool (default: `?pool=` in the URL, else 10). */
  readonly poolSize?: number;
  /** Longest a statement may run before the server cancels it (default 30 s). */
  readonly statementTimeoutMs?: number;
  /** Idle pool connections that fail (the server restarted) are reported here instead of crashing. */
  readonly onError?: (error: unknown) => void;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
const INT8_OID = 20;

/**
 * Times are epoch milliseconds and amounts minor units, stored as bigint: read back as numbers, and
 * refused loudly past 2^53 rather than rounded (pg's default is a string, which would compare and add
 * wrongly everywhere).
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new QuittanceError('INTERNAL', `bigint ${text} read from PostgreSQL is not a safe integer`);
  }
  return value;
}

/** Per pool, not pg's global registry: another library in the same process keeps pg's defaults. */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    // biome-ignore lint/suspicious/noExplicitAny: pg-types' overloads need a concrete format
    return pg.types.getTypeParser(oid, format as any);
  },
};

/**
 * PostgreSQL through a pg Pool: several writers, `FOR UPDATE SKIP LOCKED`, LISTEN/NOTIFY.
 * bytea comes back as a Buffer (a Uint8Array); flags are 0/1 integers as on SQLite.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): Store {
  const parsed = parseUrl(url);
  const poolParam = parsed.searchParams.get('pool');
  parsed.searchParams.delete('pool');
  const max = options.poolSize ?? (poolParam === null ? DEFAULT_POOL_SIZE : poolSizeOf(poolParam));
  const connectionString = parsed.toString();
  const statementTimeout = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const clientConfig = {
    connectionString,
    types: typeParsers,
    statement_timeout: statementTimeout,
    idle_in_transaction_session_timeout: Math.max(statementTimeout * 2, 60_000),
    application_name: 'quittance',
  } satisfies pg.ClientConfig;
  const pool = new pg.Pool({ ...clientConfig, max });
  pool.on('error', (error) => options.onError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<Listener>();
  return {
    db,
    dialect: 'postgres',
    capabilities: {
      concurrentWriters: true,
      skipLocked: true,
      listenNotify: true,
      types: { bigint: 'bigint', bytes: 'bytea' },
    },
    location: withoutPassword(parsed),
    listen(channel, onNotify, onError) {
      const listener = listenOn(
        { ...clientConfig, application_name: 'quittance-listen' },
        channel,
        onNotify,
        onError ?? options.onError,
      );
      listeners.add(listener);
      return {
        ready: listener.ready,
        close: async () => {
          listeners.delete(listener);
          await listener.close();
        },
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.close()));
      await db.destroy();
    },
  };
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new QuittanceError('CONFIG_INVALID', 'the PostgreSQL database URL cannot be parsed');
  }
}

function poolSizeOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new QuittanceError(
      'CONFIG_INVALID',
      `?pool=${text} in the database URL must be an integer from 1 to 1000`,
    );
  }
  return n;
}

export function withoutPassword(url: URL): string {
  const copy = new URL(url.toString());
  copy.password = '';
  return copy.toString();
}

const QUOTED_IDENTIFIER = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * One dedicated client (never a pool connection: LISTEN belongs to a session). When it fails or
 * ends, it reconnects after 100 ms, doubling up to 30 s, and calls `onNotify` once connected again.
 */
function listenOn(
  config: pg.ClientConfig,
  channel: string,
  onNotify: () => void,
  onError: ((error: unknown) => void) | undefined,
): Listener {
  let closed = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = 100;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let connectedOnce = false;

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delayMs);
    retryTimer.unref();
    delayMs = Math.min(delayMs * 2, 30_000);
  };

  async function connect(): Promise<void> {
    const current = new pg.Client(config);
    client = current;
    let failed = false;
    const fail = (error?: unknown) => {
      if (failed) return;
      failed = true;
      if (error !== undefined && !closed) onError?.(error);
      current.removeAllListeners('notification');
      current.end().catch(() => {});
      if (client === current) client = undefined;
      scheduleReconnect();
    };
    current.on('error', fail);
    current.on('end', () => fail());
    current.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${QUOTED_IDENTIFIER(channel)}`);
      if (closed) {
        await current.end().catch(() => {});
        return;
      }
      delayMs = 100;
      if (connectedOnce) onNotify();
      connectedOnce = true;
      markReady();
    } catch (error) {
      fail(error);
    }
  }

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      markReady();
      if (current) {
        current.removeAllListeners();
        current.on('error', () => {});
        await current.end().catch(() => {});
      }
    },
  };
}

export interface ScratchDatabase {
  /** The new database's URL (the server's URL with the database name swapped). */
  readonly url: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database `<prefix><random>` on the server `url` points at, connecting as its user
 * (who must be allowed CREATE DATABASE): demos and tests run on it and drop it afterwards, so they
 * never touch the data of the database the URL names.
 */
export async function createScratchDatabase(
  url: string,
  prefix = 'quittance_scratch_',
): Promise<ScratchDatabase> {
  const server = parseUrl(url);
  server.searchParams.delete('pool');
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({
      connectionString: server.toString(),
      application_name: 'quittance-admin',
    });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin(`create database ${QUOTED_IDENTIFIER(name)}`);
  const scratch = parseUrl(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    drop: () => admin(`drop database if exists ${QUOTED_IDENTIFIER(name)} with (force)`),
  };
}
