// ajv, compiled once per schema. A failed validation is a 400 that lists every bad field by its path.
import Ajv, { type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createError, type FieldProblem } from './errors';
import { isIdText } from './ids';

const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: false, allowUnionTypes: true });
addFormats(ajv);
// Ids in query strings: the route table parses them with the same parser as path ids (http/ids.ts).
ajv.addFormat('id', { type: 'string', validate: isIdText });
// IANA time zones as the runtime knows them (e.g. America/New_York), for calling hours and preferences.
ajv.addFormat('iana-timezone', {
  type: 'string',
  validate: (value: string) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
});

function fieldPath(error: ErrorObject): string {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  const extra = error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : '';
  return `${error.instancePath}${missing}${extra}` || '/';
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not a known field';
  if (error.keyword === 'enum') return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  if (error.keyword === 'format' && error.params.format === 'id') return 'must be a positive whole number';
  if (error.keyword === 'format' && error.params.format === 'iana-timezone') return 'must be an IANA time zone such as America/New_York';
  return error.message ?? 'is invalid';
}

/** Every problem of a failed validation, by the JSON pointer of the field it concerns. */
export function fieldProblems(errors: ErrorObject[] | null | undefined): FieldProblem[] {
  // ajv reports the failed "if" of a conditional besides its real cause; that one says nothing to a person.
  return (errors ?? []).filter((error) => error.keyword !== 'if').map((error) => ({ path: fieldPath(error), message: describe(error) }));
}

/** A schema compiled with the API's own options (defaults filled in, formats known). */
export function compileSchema<T = unknown>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

export function compileValidator<T>(schema: JSONSchemaType<T>): (input: unknown) => T {
  const validate: ValidateFunction<T> = ajv.compile(schema);
  return (input: unknown): T => {
    if (validate(input)) return input;
    const problems = fieldProblems(validate.errors);
    const summary = problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
    throw createError('VALIDATION_FAILED', 400, `The request is not valid: ${summary}.`, { fields: problems });
  };
}
