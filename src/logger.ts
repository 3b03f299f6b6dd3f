/**
 * pino logger with redaction of secrets and personal data.
 * Use child loggers carrying `channel` and `conversation` ids; never log message text above debug.
 */
import pino, { type Logger } from 'pino';

/** Paths that never reach the log in clear, at any level. */
export const REDACT_PATHS = [
  'token', 'password', 'secret', 'authorization', 'cookie', 'code',
  '*.token', '*.password', '*.secret', '*.authorization', '*.cookie', '*.code', '*.codeHash',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  'name', 'email', 'phone', 'address', 'bankAccount', 'street', 'building', 'text', 'body',
  '*.name', '*.email', '*.phone', '*.address', '*.bankAccount', '*.street', '*.building', '*.text', '*.body',
  'customerNumber', '*.customerNumber', 'reading', '*.reading', 'value', '*.value',
  // A failed query (TypeORM's QueryFailedError, the driver's error) carries the bound values and the
  // database's detail line ("Key (email)=(…)"): customer text, names, IBANs, e-mails.
  'parameters', '*.parameters', 'err.driverError.parameters', 'err.cause.parameters', 'err.driverError.detail', 'err.detail', '*.detail',
  'err.driverError.where', 'err.where',
];

export function createLogger(level = process.env.LOG_LEVEL || 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kropla' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
