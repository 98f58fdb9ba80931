import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Engine } from '../engine/engine.js';
import { deleteExpiredSessions, deleteSession, findSession, insertSession } from '../store/repos/sessions.js';

export const SESSION_COOKIE = 'quittance_session';
export const SESSION_TTL_MS = 12 * 3_600_000;
const COOKIE_PATH = '/dashboard';

/** A logged-in person, as the pages and actions see them (never the token itself). */
export interface DashboardSession {
  /** Hex SHA-256 of the cookie's token (the row's id). */
  readonly id: string;
  readonly label: string;
  readonly scope: 'read' | 'write';
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface DashboardEnv {
  Variables: { session: DashboardSession };
}

function sessionId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Opens a session for an authenticated key and sets its cookie. */
export async function openSession(
  c: Context,
  engine: Engine,
  key: { readonly keyId: string | null; readonly label: string; readonly scope: 'read' | 'write' },
): Promise<DashboardSession> {
  const now = engine.clock();
  // Logins are rare: a good moment to forget sessions nobody will use again.
  await deleteExpiredSessions(engine.store.db, now);
  const token = randomBytes(32).toString('base64url');
  const session: DashboardSession = {
    id: sessionId(token),
    label: key.label,
    scope: key.scope,
    csrfToken: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  };
  await insertSession(engine.store.db, {
    id: session.id,
    apiKeyId: key.keyId,
    keyLabel: session.label,
    scope: session.scope,
    csrfToken: session.csrfToken,
    createdAt: now,
    expiresAt: session.expiresAt,
  });
  setCookie(c, SESSION_COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: engine.publicUrl.startsWith('https:'),
    // Relative, so the browser's clock does not matter; the row's expires_at is what counts.
    maxAge: SESSION_TTL_MS / 1000,
  });
  return session;
}

/** The session named by the request's cookie, if it exists and has not expired. */
export async function currentSession(c: Context, engine: Engine): Promise<DashboardSession | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const row = await findSession(engine.store.db, sessionId(token), engine.clock());
  if (!row) return undefined;
  return {
    id: row.id,
    label: row.keyLabel,
    scope: row.scope,
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export async function closeSession(c: Context, engine: Engine, session: DashboardSession): Promise<void> {
  await deleteSession(engine.store.db, session.id);
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
}
