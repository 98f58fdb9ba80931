import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * JSON lines on stderr. Credentials, API keys and signatures never reach a log line: the redact
 * list is the second line of defence, the first is never logging a config or a raw body.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { service: 'quittance' },
      redact: {
        paths: [
          'key',
          '*.key',
          'password',
          '*.password',
          'secret',
          '*.secret',
          'signature',
          '*.signature',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'credentials',
          '*.credentials',
          'apiKeys',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
