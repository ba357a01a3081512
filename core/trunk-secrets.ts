// Where the secrets a trunk file names come from: the environment, or a git-ignored file under the trunks
// folder's secrets/ directory, never the file itself (it is committed). trunks:apply resolves a trunk's SIP
// credentials when it writes the trunk (they go to ps_auths); a provider API's key or token named in the
// `purchasing:` section is resolved by the worker and the admin API when they call the provider, so it is
// never stored anywhere but where ops keep it.
import fs from 'node:fs';
import path from 'node:path';
import type { SecretSource } from '../db/repositories/trunk-rows';

export const DEFAULT_TRUNKS_DIR = path.resolve(__dirname, '../asterisk-config/trunks');

/** A secret source that does not resolve. `reason` completes a sentence about the field ("names ..."). */
export class TrunkSecretError extends Error {
  constructor(readonly reason: string) {
    super(`The trunk secret ${reason}`);
    this.name = 'TrunkSecretError';
  }
}

function readSecretFile(directory: string, name: string): string {
  const secrets = path.resolve(directory, 'secrets');
  const file = path.resolve(directory, name);
  // The schema allows secrets/<name> only; a stored definition is checked again before a file is opened.
  if (path.dirname(file) !== secrets) throw new TrunkSecretError(`names ${name}, which is not a file in ${secrets}`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new TrunkSecretError(`names ${name}, which does not exist in ${directory}`);
  const value = fs.readFileSync(file, 'utf8').trim();
  if (!value) throw new TrunkSecretError(`names ${name}, which is empty`);
  return value;
}

/** The secret itself. Throws a TrunkSecretError saying what to fix when the variable is unset or the file
 *  missing or empty. */
export function resolveSecretSource(source: SecretSource, env: NodeJS.ProcessEnv = process.env, directory: string = DEFAULT_TRUNKS_DIR): string {
  if ('env' in source) {
    const value = env[source.env];
    if (!value) throw new TrunkSecretError(`names environment variable ${source.env}, which is not set`);
    return value;
  }
  return readSecretFile(directory, source.file);
}
