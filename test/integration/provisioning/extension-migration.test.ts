// Moving extensions from devices to users (issue 9, migrations 20261130000030 and ..31) on data shaped as it was
// before: rows written by the old code go into a throwaway database, db/migrate.ts brings it to the current
// schema (DB_NAME overridden), and every old extension still rings the devices that held it.
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase, type Database } from '../../../db/connection';
import { migrate } from '../../../db/migrate';
import { findRingTargets } from '../../../db/repositories/devices';
import { ensurePresetRoles } from '../../../db/repositories/roles';
import { createEmptyScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';

const MIGRATIONS = { directory: path.join(__dirname, '../../../db/migrations'), loadExtensions: ['.ts'] };
const FIRST_NEW = '20261130000030_call_routing.ts';

/** Runs the migrations one by one up to (not including) `name`, or through it with `including`. */
async function migrateUpTo(db: Database, name: string, including = false): Promise<void> {
  for (;;) {
    const [, pending] = (await db.migrate.list(MIGRATIONS)) as [unknown, { file: string }[]];
    const next = pending[0]?.file;
    if (!next || next > name || (next === name && !including)) return;
    await db.migrate.up(MIGRATIONS);
  }
}

describe('extensions move from devices to users (migrations on old-shape data, throwaway database)', function () {
  this.timeout(120_000);
  let scratch: ScratchDatabase;
  let db: Database;
  let accountId: number;
  const device: Record<string, number> = {};

  async function insertDevice(name: string, extension: string, userId: number | null): Promise<void> {
    device[name] = Number((await db('devices').insert({ account_id: accountId, extension, label: `${name} phone`, kind: 'desk_phone', endpoint_id: `old${name}`, user_id: userId }))[0]);
  }
  const userNamed = async (username: string): Promise<number> => Number((await db('users').where({ username }).first('id')).id);

  before(async () => {
    scratch = await createEmptyScratchDatabase('pbx_migration');
    const { config } = scratch;
    db = openDatabase(config.db, config.db.admin);
    await migrateUpTo(db, FIRST_NEW);
    await ensurePresetRoles(db);
    const insertUser = async (username: string, fullName: string): Promise<number> =>
      Number((await db('users').insert({ username, full_name: fullName, email: `${username}@example.test`, status: 'active' }))[0]);
    accountId = Number((await db('accounts').insert({ kind: 'organization', name: 'Old shape org', dialplan_context: 'acct-old' }))[0]);
    const alice = await insertUser('alice-old', 'Alice Old');
    const bob = await insertUser('bob-old', 'Bob Old');
    await insertDevice('aliceDesk', '201', alice);
    await insertDevice('aliceSoft', '202', alice); // Alice's second extension: the first device's wins.
    await insertDevice('bobDesk', '201', bob); // 201 is Alice's first: Bob is left without one.
    await insertDevice('lobby', '203', null); // Nobody's: a user is made to hold 203.
    await insertDevice('lobbySpare', '203', null);
    // 030 runs; then the old code goes on writing devices.extension until 031 (a device of nobody, and a user's).
    await migrateUpTo(db, FIRST_NEW, true);
    const carol = await insertUser('carol-old', 'Carol Old');
    await insertDevice('late', '204', null);
    await insertDevice('carolDesk', '205', carol);
    await db.destroy();
    await migrate(config);
    db = openDatabase(config.db, config.db.admin);
  });

  after(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('given devices with extensions, when migrated, then devices carry none and each extension belongs to one user', async () => {
    expect(await db.schema.hasColumn('devices', 'extension')).to.equal(false);
    const plan = await db('account_extensions').where({ account_id: accountId }).orderBy('extension').select('extension', 'owner_type', 'owner_id');
    expect(plan.map((row: { extension: string; owner_type: string; owner_id: number }) => [row.extension, row.owner_type, Number(row.owner_id)])).to.deep.equal([
      ['201', 'user', await userNamed('alice-old')],
      ['203', 'user', await userNamed(`ext203a${accountId}`)],
      ['204', 'user', await userNamed(`ext204a${accountId}`)],
      ['205', 'user', await userNamed('carol-old')],
    ]);
  });

  it('given a device that belonged to nobody, when migrated, then it belongs to a user who cannot log in, holds its extension, and it still rings', async () => {
    const holder = await db('users').where({ username: `ext203a${accountId}` }).first();
    expect(holder).to.include({ full_name: 'lobby phone', password_hash: null, status: 'active' });
    const membership = await db('memberships').where({ user_id: holder.id, account_id: accountId }).first('role_name');
    expect(membership).to.deep.equal({ role_name: 'Agent' });
    expect((await db('devices').whereIn('id', [Number(device.lobby), Number(device.lobbySpare)]).pluck('user_id')).map(Number)).to.deep.equal([Number(holder.id), Number(holder.id)]);
    expect((await findRingTargets(db, accountId, '203')).map((target) => target.endpointId)).to.deep.equal(['oldlobby', 'oldlobbySpare']);
    expect((await findRingTargets(db, accountId, '204')).map((target) => target.endpointId), 'written between the two migrations').to.deep.equal(['oldlate']);
  });

  it('given a user whose devices had extensions, when migrated, then calling the user\'s extension rings all their devices; a freed extension rings nothing', async () => {
    expect((await findRingTargets(db, accountId, '201')).map((target) => target.endpointId)).to.deep.equal(['oldaliceDesk', 'oldaliceSoft']);
    expect(await findRingTargets(db, accountId, '202')).to.deep.equal([]);
    expect((await findRingTargets(db, accountId, '205')).map((target) => target.endpointId)).to.deep.equal(['oldcarolDesk']);
  });

  it('given the migration undone, then devices carry their user\'s extension again', async () => {
    await db.migrate.down({ ...MIGRATIONS, name: '20261130000031_drop_device_extension.ts' });
    const extensionOf = async (id: number | undefined): Promise<string> => (await db('devices').where({ id }).first('extension')).extension;
    expect([await extensionOf(device.aliceSoft), await extensionOf(device.lobby), await extensionOf(device.bobDesk)]).to.deep.equal(['201', '203', '']);
  });
});
