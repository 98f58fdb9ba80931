import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

/** Constant-time comparison of the presented token with the session's (hashed first: equal lengths). */
export function csrfTokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * A POST whose Origin header names another site is refused. Browsers send Origin on every POST; when it
 * is absent (old clients, curl) the token alone decides. Accepted: the origin the request was addressed
 * to (Host) and the configured public URL's (behind a proxy they differ).
 */
export function originAllowed(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  const allowed = new Set<string>([new URL(c.req.url).origin]);
  try {
    allowed.add(new URL(publicUrl).origin);
  } catch {
    // an unparsable public URL adds nothing
  }
  return allowed.has(origin);
}
