/**
 * Tests only (excluded from the build like every testkit.ts): a strict reader of the Prometheus text
 * exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/), so tests can
 * check that a scrape parses, not only that it contains some string.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** Family name → TYPE (counter, gauge, histogram, summary, untyped). */
  readonly types: ReadonlyMap<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL = `${LABEL_NAME}=${LABEL_VALUE}`;
// prom-client writes NaN as "Nan" (lib/util.js); Prometheus reads values with Go's strconv.ParseFloat, which
// takes "nan" and "inf" in any case, so the case is not checked for those two words.
const VALUE = '[+-]?(?:[Ii]nf|[Nn]a[Nn]|[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)';
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (${VALUE})(?: -?[0-9]+)?$`,
);
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const ONE_LABEL = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Parses the whole text or throws naming the first line that is not in the format. */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const helps = new Set<string>();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1} ("${line.slice(0, 80)}")`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const help = HELP_LINE.exec(line);
      const type = TYPE_LINE.exec(line);
      if (help) {
        if (helps.has(help[1] as string)) throw new Error(`${where}: a second HELP for ${help[1]}`);
        helps.add(help[1] as string);
      } else if (type) {
        if (types.has(type[1] as string)) throw new Error(`${where}: a second TYPE for ${type[1]}`);
        types.set(type[1] as string, type[2] as string);
      } else if (/^# (HELP|TYPE)/.test(line)) {
        throw new Error(`${where}: malformed HELP/TYPE line`);
      }
      return;
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(`${where}: not "name{labels} value"`);
    const name = m[1] as string;
    const family = familyOf(name, types);
    if (!family) throw new Error(`${where}: no TYPE line before the samples of ${name}`);
    if (!helps.has(family)) throw new Error(`${where}: no HELP line for ${family}`);
    const labels: Record<string, string> = {};
    for (const [, key, quoted] of (m[2] ?? '').matchAll(ONE_LABEL)) {
      labels[key as string] = (quoted as string)
        .slice(1, -1)
        .replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = m[3] as string;
    const value = /inf$/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
    samples.push({ name, labels, value });
  });
  return { samples, types };
}

function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const [family, type] of types) {
    for (const suffix of SUFFIXES[type] ?? []) if (name === `${family}${suffix}`) return family;
  }
  return undefined;
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none. */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}
