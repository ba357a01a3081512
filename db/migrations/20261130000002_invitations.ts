// Invitations of existing users become requests the user answers themselves (issue 7.1). Before this, inviting
// the username of someone in another organization made them a member of the inviter's account at once. Now:
// - an invitation has a kind: `new_user` (the emailed single-use link, as before: the user and an invited
//   membership exist from the start) or `existing_user` (no membership until the user, signed in, accepts);
// - it keeps the username as the inviter typed it, the role to apply on acceptance and a state, which is all
//   the inviting account sees of it;
// - users remember the organization that created them: only its admins (and the user) change their profile.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invitations', (table) => {
    table.enu('kind', ['new_user', 'existing_user']).notNullable().defaultTo('new_user');
    table.string('username', 120).nullable();
    // Where the role went away, acceptance is refused rather than guessing another one.
    table.bigInteger('role_id').unsigned().nullable().references('roles.id').onDelete('SET NULL');
    table.enu('state', ['pending', 'accepted', 'declined', 'revoked']).notNullable().defaultTo('pending');
    table.timestamp('decided_at').nullable();
    table.index(['account_id', 'state']);
    table.index(['user_id', 'state']);
  });
  await knex.raw(`
    UPDATE invitations i
      JOIN users u ON u.id = i.user_id
      LEFT JOIN memberships m ON m.user_id = i.user_id AND m.account_id = i.account_id
    SET i.username = u.username,
        i.role_id = m.role_id,
        i.state = IF(i.accepted_at IS NULL, 'pending', 'accepted'),
        i.decided_at = i.accepted_at`);

  await knex.schema.alterTable('users', (table) => {
    table.bigInteger('created_in_organization_id').unsigned().nullable().references('accounts.id').onDelete('SET NULL');
  });
  // The earliest membership tells where a user was created; a subaccount's organization is its parent.
  await knex.raw(`
    UPDATE users u
      JOIN (SELECT user_id, MIN(id) AS first_id FROM memberships GROUP BY user_id) f ON f.user_id = u.id
      JOIN memberships m ON m.id = f.first_id
      JOIN accounts a ON a.id = m.account_id
    SET u.created_in_organization_id = IF(a.kind = 'subaccount', a.parent_id, a.id)
    WHERE u.created_in_organization_id IS NULL`);

  // Open invitations that pulled in a user of another organization: the membership they made is withdrawn and
  // the invitation waits for that user's own answer.
  const pulledIn = await knex('invitations as i')
    .join('users as u', 'u.id', 'i.user_id')
    .join('accounts as a', 'a.id', 'i.account_id')
    .join('memberships as m', function joinMembership() { this.on('m.user_id', '=', 'i.user_id').andOn('m.account_id', '=', 'i.account_id'); })
    .where({ 'i.state': 'pending', 'm.status': 'invited' })
    .whereNotNull('u.created_in_organization_id')
    .whereRaw("u.created_in_organization_id <> IF(a.kind = 'subaccount', a.parent_id, a.id)")
    .select('i.id as invitation_id', 'm.id as membership_id');
  for (const row of pulledIn as { invitation_id: number; membership_id: number }[]) {
    await knex('memberships').where({ id: row.membership_id }).delete();
    await knex('invitations').where({ id: row.invitation_id }).update({ kind: 'existing_user', token_hash: null });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropForeign(['created_in_organization_id']);
    table.dropColumn('created_in_organization_id');
  });
  await knex.schema.alterTable('invitations', (table) => {
    table.dropForeign(['role_id']);
    // The (…, state) indexes may now serve the account_id and user_id keys: dropping state narrows them instead.
    for (const column of ['kind', 'username', 'role_id', 'state', 'decided_at']) table.dropColumn(column);
  });
}
