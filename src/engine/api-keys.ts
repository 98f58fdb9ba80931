import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { QuittanceError } from '../core/errors.js';
import {
  type ApiKeyRecord,
  type ApiKeyScope,
  findApiKey,
  insertApiKey,
  listApiKeys as listApiKeyRows,
  revokeApiKey as revokeApiKeyRow,
  touchApiKey,
} from '../store/repos/api-keys.js';
import { deleteSessionsOfKey } from '../store/repos/sessions.js';
import type { Engine } from './engine.js';

/** `qk_` + the key's id (`key_` + 26 characters) + `_` + 43 characters of base64url (256 random bits). */
const KEY_FORMAT = /^qk_(key_[0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;

/** A key's last use is written at most once per this interval: reads must not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiPrincipal {
  /** null: a key from the config file (`apiKeys`). */
  readonly keyId: string | null;
  /** What to call the caller in logs and on pages: the key's name, never the key. */
  readonly label: string;
  readonly scope: ApiKeyScope;
}

/** A key as listed: no hash, no key. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Creates a key. The key itself is returned once, here; only its SHA-256 is stored. */
export async function createApiKey(
  engine: Engine,
  input: { name: string; scope: ApiKeyScope; now: Date },
): Promise<{ id: string; key: string }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) {
    throw new QuittanceError('VALIDATION_FAILED', 'a key needs a name of 1 to 100 characters', {
      field: 'name',
    });
  }
  if (input.scope !== 'read' && input.scope !== 'write') {
    throw new QuittanceError('VALIDATION_FAILED', 'scope must be read or write', { field: 'scope' });
  }
  const id = engine.ids('apiKey');
  const key = `qk_${id}_${randomBytes(32).toString('base64url')}`;
  await insertApiKey(engine.store.db, {
    id,
    name,
    scope: input.scope,
    keyHash: sha256Hex(key),
    now: input.now,
  });
  return { id, key };
}

export async function listApiKeys(engine: Engine): Promise<ApiKeyView[]> {
  return (await listApiKeyRows(engine.store.db)).map(view);
}

/** Revokes a key and ends the dashboard sessions opened with it. */
export async function revokeApiKey(engine: Engine, id: string, now: Date): Promise<ApiKeyView> {
  const existing = await findApiKey(engine.store.db, id);
  if (!existing) throw new QuittanceError('NOT_FOUND', `no API key ${id}`);
  await engine.store.db.transaction().execute(async (tx) => {
    await revokeApiKeyRow(tx, id, now);
    await deleteSessionsOfKey(tx, id);
  });
  const after = await findApiKey(engine.store.db, id);
  return view(after ?? existing);
}

/**
 * Who presents this key, or undefined. Keys from the config file are `write` keys; keys from the
 * database are found by the id they carry, then their hash is compared in constant time; a revoked
 * key is refused. Config keys are compared as digests against every one, so timing tells nothing.
 */
export async function authenticateApiKey(
  engine: Engine,
  presented: string,
  now: Date,
): Promise<ApiPrincipal | undefined> {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let configIndex = -1;
  engine.config.apiKeys.forEach((k, i) => {
    const same = timingSafeEqual(createHash('sha256').update(k, 'utf8').digest(), digest);
    if (same && configIndex < 0) configIndex = i;
  });
  if (configIndex >= 0) return { keyId: null, label: `config key #${configIndex + 1}`, scope: 'write' };

  const match = KEY_FORMAT.exec(presented);
  if (!match) return undefined;
  const record = await findApiKey(engine.store.db, match[1] as string);
  if (!record || !sameHash(record.keyHash, digest) || record.revokedAt !== null) return undefined;
  await touchApiKey(engine.store.db, record.id, now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS));
  return { keyId: record.id, label: record.name, scope: record.scope };
}

function sameHash(storedHex: string, digest: Buffer): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  return stored.length === digest.length && timingSafeEqual(stored, digest);
}

function view(k: ApiKeyRecord): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}
