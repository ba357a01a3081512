// Every error the trunks domain raises, with its stable code.
import { createError, notFound, type ApiError, type FieldProblem } from '../http/errors';
import { TRUNK_NAME_PATTERN } from './schemas';

const listed = (problems: FieldProblem[], separator: string): string => problems.map((problem) => `${problem.path}${separator}${problem.message}`).join('; ');

export const trunkErrors = {
  invalidName: (name: string): ApiError => createError('VALIDATION_FAILED', 400, `Trunk names are lowercase letters, digits and dashes (up to 31), not "${name}".`, {
    fields: [{ path: '/name', message: `must match ${TRUNK_NAME_PATTERN}` }],
  }),
  notFound: (name: string): ApiError => notFound('trunk', name),
  /** The API may not edit what ops keep in files: the next trunks:apply would silently undo the edit. */
  keptInFile: (name: string): ApiError =>
    createError('TRUNK_KEPT_IN_FILE', 409, `Trunk ${name} is kept in asterisk-config/trunks/${name}.yaml: edit the file and run npm run trunks:apply.`),
  /** Nor may a file take over a trunk made through the API (trunks:apply reports it before writing anything). */
  madeThroughApi: (name: string): ApiError =>
    createError('TRUNK_MADE_THROUGH_API', 409, `Trunk ${name} was made through the API; delete it there first or rename this file.`),
  passwordRequired: (): ApiError => createError('VALIDATION_FAILED', 400, 'A new trunk with credentials needs /credentials/password.', {
    fields: [{ path: '/credentials/password', message: 'is required for a new trunk' }],
  }),
  addressNotAllowed: (name: string, refused: FieldProblem[]): ApiError =>
    createError('TRUNK_ADDRESS_NOT_ALLOWED', 400, `Trunk ${name} cannot be saved: ${listed(refused, ': ')}.`, { fields: refused }),
  /** Which providers an account may buy from, and the trunk their numbers arrive on, are ops' to say. */
  purchasingInFilesOnly: (name: string): ApiError =>
    createError('TRUNK_PURCHASING_IN_FILES_ONLY', 400, `Trunk ${name}: a purchasing section is kept in trunk files only (asterisk-config/trunks/<name>.yaml); leave it out here.`, {
      fields: [{ path: '/purchasing', message: 'is kept in trunk files only' }],
    }),
  invalid: (name: string, problems: FieldProblem[]): ApiError =>
    createError('TRUNK_INVALID', 422, `Trunk ${name} cannot be saved: ${listed(problems, ' ')}.`, { fields: problems }),
};
