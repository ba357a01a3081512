// Structured JSON logs. Ids (call, channel, request) travel as metadata, never inside the message text.
import winston from 'winston';

export type Logger = winston.Logger;

export function createLogger(service: string, level: string): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}

/** Log metadata for an error: winston renders a nested Error as {}, losing what ops need. */
export function errorDetails(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: error.stack };
  }
  return { message: String(error) };
}
