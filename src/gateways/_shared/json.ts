import { clip } from './request.js';

/** A JSON object as read from a gateway's answer or message: its fields are still to be checked. */
export type Json = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A value from a message, quoted short in a reason ('missing' when absent). */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  return clip(JSON.stringify(value) ?? String(value), 40);
}
