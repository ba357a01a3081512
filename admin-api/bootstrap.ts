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

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'organization' },
      name: { type: 'string' },
      parent: { type: 'string' },
      username: { type: 'string' },
      'full-name': { type: 'string' },
      email: { type: 'string' },
    },
  });
  if (!values.name || !values.username || !values.email || (values.kind !== 'organization' && values.kind !== 'reseller')) {
    process.stderr.write('usage: npm run admin:bootstrap -- --name "Acme" --username alice --email alice@acme.test [--full-name "Alice A"] [--kind organization|reseller] [--parent RESELLER_ID]\n');
    process.exit(64);
  }
  const config = loadConfigOrExit();
  const logger = createLogger('bootstrap', config.logLevel);
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  bootstrapAccount(db, new ChangeNotifier(redis, logger), config.passwordPolicy, {
    kind: values.kind, name: values.name, parentId: values.parent ? Number(values.parent) : undefined,
    owner: { username: values.username, fullName: values['full-name'] ?? values.username, email: values.email },
  })
    .then((result) => process.stdout.write(`account ${result.accountId}: owner ${values.username} (user ${result.userId}), password shown once: ${result.password}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`bootstrap failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    })
    .finally(() => {
      redis.disconnect();
      void db.destroy();
    });
}
