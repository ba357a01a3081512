// Reads the trunk files ops keep under asterisk-config/trunks/: one <name>.yaml per trunk. Every problem is
// reported as file:line: field message, so an edit can be fixed without guessing; secrets are resolved from
// the environment or a git-ignored file under secrets/ (core/trunk-secrets.ts), never read from the YAML itself.
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { FieldProblem } from '../http/errors';
import { compileSchema, fieldProblems } from '../http/validation';
import type { SecretSource, TrunkDefinition } from '../../db/repositories/trunk-rows';
import { resolveSecretSource, TrunkSecretError } from '../../core/trunk-secrets';
import { fileTrunkSchema, TRUNK_NAME_PATTERN } from './schemas';
import type { TrunkWrite } from './service';

export interface FileProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export interface LoadedTrunk {
  file: string;
  write: TrunkWrite;
  /** Maps a JSON pointer of the definition to its line, for problems found later (against the database). */
  lineOf(pointer: string): number;
}

const validate = compileSchema<TrunkDefinition>(fileTrunkSchema);
const MIN_SECRET_LENGTH = 12;

export function formatProblem(problem: FileProblem): string {
  return `${problem.file}:${problem.line}: ${problem.field} ${problem.message}`;
}

function pathSegments(pointer: string): (string | number)[] {
  return pointer.split('/').slice(1).map((segment) => (/^[0-9]+$/.test(segment) ? Number(segment) : segment));
}

/** The line of the deepest node of the pointer that exists in the document (a missing field: its parent). */
function lineFinder(document: Document, counter: LineCounter): (pointer: string) => number {
  return (pointer) => {
    const segments = pathSegments(pointer);
    for (let length = segments.length; length >= 0; length -= 1) {
      const node = length === 0 ? document.contents : document.getIn(segments.slice(0, length), true);
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    }
    return 1;
  };
}

function resolveSecret(directory: string, secret: SecretSource, env: NodeJS.ProcessEnv): { value?: string; problem?: string } {
  try {
    return { value: resolveSecretSource(secret, env, directory) };
  } catch (error) {
    if (error instanceof TrunkSecretError) return { problem: error.reason };
    throw error;
  }
}

/** The SIP password, resolved now (it goes to ps_auths); the provider API's secret only checked: the worker
 *  and the admin API resolve it when they call the provider, so it is stored nowhere. */
function resolveSecrets(directory: string, definition: TrunkDefinition, env: NodeJS.ProcessEnv): { password?: string; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let password: string | undefined;
  if (definition.credentials) {
    const resolved = resolveSecret(directory, definition.credentials.secret, env);
    if (resolved.problem) problems.push({ path: '/credentials/secret', message: resolved.problem });
    else if ((resolved.value ?? '').length < MIN_SECRET_LENGTH) problems.push({ path: '/credentials/secret', message: `resolves to a secret shorter than ${MIN_SECRET_LENGTH} characters` });
    else password = resolved.value;
  }
  const apiSecret = definition.purchasing?.secret;
  const api = apiSecret && resolveSecret(directory, apiSecret, env);
  if (api?.problem) problems.push({ path: '/purchasing/secret', message: api.problem });
  return { password, problems };
}

/** Loads one file: the trunk it defines, or every problem with its line. */
export function loadTrunkFile(directory: string, fileName: string, env: NodeJS.ProcessEnv = process.env): { trunk?: LoadedTrunk; problems: FileProblem[] } {
  const file = path.join(directory, fileName);
  const counter = new LineCounter();
  const document = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter: counter, prettyErrors: false });
  const problem = (line: number, field: string, message: string): FileProblem => ({ file, line, field, message });
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => problem(error.linePos?.[0]?.line ?? 1, '(yaml)', error.message.split('\n')[0] ?? error.message)) };
  }
  const name = path.basename(fileName, path.extname(fileName));
  if (!new RegExp(TRUNK_NAME_PATTERN).test(name)) return { problems: [problem(1, '(file name)', `"${name}" must be lowercase letters, digits and dashes: it names the trunk`)] };
  const lineOf = lineFinder(document, counter);
  const definition: unknown = document.toJS();
  if (!validate(definition)) {
    return { problems: fieldProblems(validate.errors).map((found: FieldProblem) => problem(lineOf(found.path), found.path, found.message)) };
  }
  const { password, problems } = resolveSecrets(directory, definition, env);
  if (problems.length > 0) return { problems: problems.map((found) => problem(lineOf(found.path), found.path, found.message)) };
  return { problems: [], trunk: { file, lineOf, write: { name, source: 'file', definition, password } } };
}

/** Every *.yaml / *.yml file of the directory, sorted; problems of all files together. */
export function loadTrunkFiles(directory: string, env: NodeJS.ProcessEnv = process.env): { trunks: LoadedTrunk[]; problems: FileProblem[] } {
  if (!fs.existsSync(directory)) return { trunks: [], problems: [] };
  const trunks: LoadedTrunk[] = [];
  const problems: FileProblem[] = [];
  for (const fileName of fs.readdirSync(directory).filter((entry) => /\.ya?ml$/.test(entry)).sort()) {
    const loaded = loadTrunkFile(directory, fileName, env);
    problems.push(...loaded.problems);
    if (loaded.trunk) trunks.push(loaded.trunk);
  }
  return { trunks, problems };
}
