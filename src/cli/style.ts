import picocolors from 'picocolors';

/**
 * Whether standard output gets colours. NO_COLOR (set, not empty: no-color.org) always wins;
 * FORCE_COLOR turns them on for pipes ("0" or "false" turns them off); otherwise only a terminal
 * that is not TERM=dumb. Unlike picocolors' own guess, CI=… alone does not turn them on.
 */
export function colorEnabled(
  env: NodeJS.ProcessEnv = process.env,
  isTTY: boolean = process.stdout.isTTY === true,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

export type Tone = 'ok' | 'bad' | 'warn' | 'muted';

/** The words tables show (payment statuses, inbox verdicts, settlements, job and alert states). */
const TONES: Readonly<Record<string, Tone>> = {
  authorized: 'ok',
  captured: 'ok',
  verified: 'ok',
  applied: 'ok',
  ok: 'ok',
  delivered: 'ok',
  resolved: 'ok',
  done: 'ok',
  yes: 'ok',
  refused: 'bad',
  error: 'bad',
  rejected: 'bad',
  unparseable: 'bad',
  failed: 'bad',
  dead: 'bad',
  critical: 'bad',
  disabled: 'bad',
  'needs review': 'warn',
  conflict: 'warn',
  pending: 'warn',
  unmatched: 'warn',
  open: 'warn',
  warning: 'warn',
  duplicate: 'muted',
  stale: 'muted',
  cancelled: 'muted',
  expired: 'muted',
};

export function toneOf(word: string): Tone | undefined {
  return Object.hasOwn(TONES, word) ? TONES[word] : undefined;
}

export interface Style {
  readonly enabled: boolean;
  paint(tone: Tone, text: string): string;
  /** The word in the colour of its meaning (green ok, red refused/failed, yellow to review). */
  tint(word: string): string;
  bold(text: string): string;
}

export function createStyle(enabled: boolean): Style {
  const c = picocolors.createColors(enabled);
  const painters: Record<Tone, (s: string) => string> = {
    ok: c.green,
    bad: c.red,
    warn: c.yellow,
    muted: c.dim,
  };
  return {
    enabled,
    paint: (tone, text) => painters[tone](text),
    tint: (word) => {
      const tone = toneOf(word);
      return tone ? painters[tone](word) : word;
    },
    bold: (text) => c.bold(text),
  };
}

/** The style of this process's standard output (never use it for --json output). */
export const style: Style = createStyle(colorEnabled());

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what it strips
const ANSI = /\u001b\[[0-9;]*m/g;

/** Length as a terminal shows it: colour codes take no room. */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
