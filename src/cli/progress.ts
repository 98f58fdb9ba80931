import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr, only when stderr is a terminal and the output is for people (not
 * `--json`): piped or scripted runs get no control characters. `undefined` when there is none, so
 * callers write `bar?.update(n)`.
 */
export function progressBar(options: {
  json?: boolean | undefined;
  format: string;
}): cliProgress.SingleBar | undefined {
  if (options.json || !process.stderr.isTTY) return undefined;
  return new cliProgress.SingleBar(
    { format: ` ${options.format} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}
