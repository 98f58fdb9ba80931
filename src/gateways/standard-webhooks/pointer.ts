/**
 * The value at `location` in `document`: a JSON pointer (RFC 6901: `/a/b~1c/0`, `~1` = `/`, `~0` = `~`; `''` or `/`
 * alone per the RFC) or a dotted path (`a.b.0`). Undefined when any step is missing. Own properties only, so
 * `__proto__` or `constructor` never reach Object.prototype.
 */
export function valueAt(document: unknown, location: string): unknown {
  const steps = stepsOf(location);
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

/**
 * A copy of `document` with `value` at `location` (same syntax as valueAt), creating the objects on the way: how a
 * sender following the mapping would lay out its payload (the doctor's probe). Arrays along the way are replaced.
 */
export function withValueAt(document: unknown, location: string, value: unknown): unknown {
  return setSteps(document, stepsOf(location), value);
}

function setSteps(document: unknown, steps: readonly string[], value: unknown): unknown {
  const [step, ...rest] = steps;
  if (step === undefined) return value;
  const base = typeof document === 'object' && document !== null && !Array.isArray(document) ? document : {};
  const inner = Object.hasOwn(base, step) ? (base as Record<string, unknown>)[step] : undefined;
  return { ...base, [step]: setSteps(inner, rest, value) };
}

function stepsOf(location: string): string[] {
  return location.startsWith('/')
    ? location
        .slice(1)
        .split('/')
        .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'))
    : location.split('.');
}
