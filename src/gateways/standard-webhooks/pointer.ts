/**
 * The value at `location` in `document`: a JSON pointer (RFC 6901: `/a/b~1c/0`, `~1` = `/`, `~0` = `~`; `''` or `/`
 * alone per the RFC) or a dotted path (`a.b.0`). Undefined when any step is missing. Own properties only, so
 * `__proto__` or `constructor` never reach Object.prototype.
 */
export function valueAt(document: unknown, location: string): unknown {
  const steps = location.startsWith('/')
    ? location
        .slice(1)
        .split('/')
        .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'))
    : location.split('.');
  let current = document;
  for (const step of steps) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(step)) return undefined;
      current = current[Number(step)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, step)) {
      current = (current as Record<string, unknown>)[step];
    } else {
      return undefined;
    }
  }
  return current;
}
