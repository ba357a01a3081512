// The first organization and its Organization Owner (optionally under a reseller with its own owner): how a
// new installation gets its first admin. Used by the `admin:bootstrap` script and by tests.
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { RANK } from '../core/access';
import { loadConfigOrExit } from '../core/config';
import { createLogger } from '../core/logger';
import { generatePassword } from '../core/secrets';
import { openDatabase, type Database } from '../db/connection';
import { insertMemberships } from '../db/repositories/memberships';
import { listPlatformOperators, setPlatformOperator } from '../db/repositories/platform-operators';
import { findPresetRole } from '../db/repositories/roles';
import { insertUser } from '../db/repositories/users';
import { AccountService } from './accounts/service';
import { assertPasswordAcceptable, hashPassword, type PasswordPolicy } from './auth/passwords';
import { ChangeNotifier } from './notifier';

export interface OwnerInput {
  username: string;
  fullName: string;
  email: string;
  password?: string;
}

export interface Bootstrapped {
  accountId: number;
  userId: number;
  password: string;
  changeId: string;
}

/** Creates an account of `kind` (under `parentId`) and makes `owner` its top-tier holder. */
export async function bootstrapAccount(
  db: Database, notifier: ChangeNotifier, policy: PasswordPolicy,
  input: { kind: 'reseller' | 'organization'; name: string; parentId?: number; owner: OwnerInput },
): Promise<Bootstrapped> {
  const password = input.owner.password ?? generatePassword(20);
  assertPasswordAcceptable(password, policy, input.owner.username);
  const passwordHash = await hashPassword(password);
  const { account, changeId } = await new AccountService(db, notifier).create({ kind: input.kind, name: input.name, parentId: input.parentId ?? null });
  const role = await findPresetRole(db, input.kind === 'reseller' ? 'reseller_owner' : 'organization_owner');
  if (role.rank !== (input.kind === 'reseller' ? RANK.resellerOwner : RANK.organizationOwner)) throw new Error('preset ranks out of date: run the migrations');
  const userId = await db.transaction(async (trx) => {
    const id = await insertUser(trx, { username: input.owner.username.toLowerCase(), fullName: input.owner.fullName, email: input.owner.email, passwordHash, status: 'active', phoneMode: 'sip' });
    await insertMemberships(trx, [{ userId: id, accountId: account.id, role, status: 'active' }]);
    return id;
  });
  return { accountId: account.id, userId, password, changeId };
}

/** `--grant-operator USERNAME` / `--revoke-operator USERNAME`: the only way a user becomes (or stops being) a
 *  platform operator, who alone edits trunks over the API. No route can set it: it is the installation's, not
 *  any account's. Exit 1 when no user has that username. */
async function setOperatorFromCli(username: string, operator: boolean): Promise<void> {
  const db = openDatabase(loadConfigOrExit().db);
  try {
    if (!(await setPlatformOperator(db, username.toLowerCase(), operator))) {
      process.stderr.write(`no user named ${username}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${username} ${operator ? 'is now' : 'is no longer'} a platform operator; operators: ${(await listPlatformOperators(db)).join(', ') || '(none)'}\n`);
  } finally {
    await db.destroy();
  }
}

interface CliOptions {
  kind: 'organization' | 'reseller';
  name: string;
  parent?: string;
  username: string;
  fullName?: string;
  email: string;
  platformOperator: boolean;
}

function bootstrapFromCli(options: CliOptions): void {
  const config = loadConfigOrExit();
  const logger = createLogger('bootstrap', config.logLevel);
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  bootstrapAccount(db, new ChangeNotifier(redis, logger), config.passwordPolicy, {
    kind: options.kind, name: options.name, parentId: options.parent ? Number(options.parent) : undefined,
    owner: { username: options.username, fullName: options.fullName ?? options.username, email: options.email },
  })
    .then(async (result) => {
      if (options.platformOperator) await setPlatformOperator(db, options.username.toLowerCase(), true);
      process.stdout.write(`account ${result.accountId}: owner ${options.username}${options.platformOperator ? ' (platform operator)' : ''} (user ${result.userId}), password shown once: ${result.password}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`bootstrap failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    })
    .finally(() => {
      redis.disconnect();
      void db.destroy();
    });
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'organization' },
      name: { type: 'string' },
      parent: { type: 'string' },
      username: { type: 'string' },
      'full-name': { type: 'string' },
      email: { type: 'string' },
      'platform-operator': { type: 'boolean', default: false },
      'grant-operator': { type: 'string' },
      'revoke-operator': { type: 'string' },
    },
  });
  const operatorChange = values['grant-operator'] ?? values['revoke-operator'];
  if (operatorChange !== undefined) {
    setOperatorFromCli(operatorChange, values['grant-operator'] !== undefined).catch((error: unknown) => {
      process.stderr.write(`operator change failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    });
  } else if (!values.name || !values.username || !values.email || (values.kind !== 'organization' && values.kind !== 'reseller')) {
    process.stderr.write('usage: npm run admin:bootstrap -- --name "Acme" --username alice --email alice@acme.test [--full-name "Alice A"] [--kind organization|reseller] [--parent RESELLER_ID] [--platform-operator]\n'
      + '       npm run admin:bootstrap -- --grant-operator USERNAME | --revoke-operator USERNAME\n');
    process.exit(64);
  } else {
    bootstrapFromCli({
      kind: values.kind, name: values.name, parent: values.parent, username: values.username, fullName: values['full-name'], email: values.email, platformOperator: values['platform-operator'] === true,
    });
  }
}
