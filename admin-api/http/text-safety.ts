// Text that the API stores ends up in MariaDB rows, audit JSON and Asterisk's realtime rows. A lone surrogate
// can't be stored as utf8mb4 (the write fails half-way through a request), and control characters break
// Asterisk's parsing of caller IDs and dialplan values, so both are refused before any handler runs.
import { Type, type TString } from '@sinclair/typebox';
import { createError } from './errors';

// C0 controls except tab, line feed and carriage return (multi-line notes and CSV keep those), DEL, and C1.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;

interface TextProblem {
  path: string;
  message: string;
}

function stringProblem(value: string, path: string): TextProblem | undefined {
  if (LONE_SURROGATE.test(value)) return { path, message: 'contains an unpaired surrogate (invalid Unicode)' };
  if (CONTROL_CHARACTER.test(value)) return { path, message: 'contains a control character' };
  return undefined;
}

function findProblem(value: unknown, path: string, depth: number): TextProblem | undefined {
  if (typeof value === 'string') return stringProblem(value, path || '/');
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return { path: path || '/', message: `is nested deeper than ${MAX_DEPTH} levels` };
  for (const [key, child] of Object.entries(value)) {
    const keyProblem = stringProblem(key, `${path}/${key}`);
    if (keyProblem) return keyProblem;
    const problem = findProblem(child, `${path}/${key}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Throws a 400 naming the first field whose text cannot be stored or passed to Asterisk safely. */
export function assertSafeText(value: unknown, where: 'body' | 'query' | 'path'): void {
  const problem = findProblem(value, '', 0);
  if (!problem) return;
  throw createError('TEXT_NOT_ALLOWED', 400, `The request ${where} is not valid: ${problem.path} ${problem.message}.`, {
    fields: [{ path: problem.path, message: problem.message }],
  });
}

/** A JSON Schema pattern for single-line text such as names and labels: no control characters at all. */
export const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';

/** The schema of a name or label: one line of 1 to max characters. */
export function singleLineText(maxLength: number): TString {
  return Type.String({ minLength: 1, maxLength, pattern: SINGLE_LINE_PATTERN });
}
