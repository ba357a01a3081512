// Password hashing (argon2id at OWASP's minimum: 19 MiB, 2 passes) and the configurable password policy.
import argon2 from 'argon2';
import { authErrors } from './errors';

const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// Verified against when the username is unknown, so a miss costs the same time as a hit.
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('an unguessable placeholder for timing');
    await argon2.verify(await dummyHash, password);
    return false;
  }
  return argon2.verify(hash, password);
}

export interface PasswordPolicy {
  minLength: number;
}

/** The reasons a password is refused, for the field's error message; empty when it is acceptable. */
export function passwordProblems(password: string, policy: PasswordPolicy, username: string): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters`);
  if (password.length > 256) problems.push('must be at most 256 characters');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('must not contain the username');
  return problems;
}

export function assertPasswordAcceptable(password: string, policy: PasswordPolicy, username: string, path = '/password'): void {
  const problems = passwordProblems(password, policy, username);
  if (problems.length > 0) throw authErrors.passwordRejected(problems, path);
}
