/** The media type gateways post their forms with. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** `text/plain; charset=utf-8` → `text/plain`: the media type alone, lower case ('' when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** Values quoted in a reason come from the request: keep them short (`max` characters, then …). */
export function clip(value: string, max = 40): string {
  const chars = Array.from(value);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : value;
}
