/** The media type gateways post their forms with. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** `text/plain; charset=utf-8` → `text/plain`: the media type alone, lower case ('' when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/**
 * Values quoted in a reason come from the request or a gateway's answer: keep them short (`max` characters, then …)
 * and on one line (control characters become spaces, so a quoted value cannot forge a log line).
 */
export function clip(value: string, max = 40): string {
  const chars = Array.from(value.replace(/[\p{Cc}]+/gu, ' '));
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}
