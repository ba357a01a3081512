// Issue 7.1, the email side (the real worker and a local SMTP server): an existing user invited by another
// organization is told at the address they gave themselves, with no link that would accept for them; the
// address the inviter typed receives nothing.
import { expect } from 'chai';
import { removeAccountTree, uniqueName, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

describe('invitations of existing users: the email', function () {
  this.timeout(90_000);
  let inviter: Awaited<ReturnType<TestApi['organization']>> | undefined;
  // Registered before the fixture's own hooks, so it runs while the database is still open.
  after(async () => {
    if (inviter) await removeAccountTree(f.api.db, inviter.accountId);
  });
  const f = useOrganization({ name: 'Notice home org', subaccount: 'Notice phones', mail: true });

  it('given a user of another organization, when invited by username, then they get a notice without a link and the typed address gets nothing', async () => {
    inviter = await f.api.organization('Notice inviter org');
    const user = await addUser(f.org.api, f.org.accountId, 'admin');
    const typed = `${uniqueName('typed')}@attacker.test`;
    const invited = await inviter.api.post(`/v1/accounts/${inviter.accountId}/invitations`, {
      fullName: 'Typed', email: typed, roleId: await presetRoleId(inviter.api, inviter.accountId, 'admin'), username: user.username,
    });
    expectStatus(invited, 202);

    const notice = await f.smtp.waitFor(`${user.username}@example.test`);
    expect(notice.subject).to.equal('You are invited to Notice inviter org');
    expect(notice.body).to.include('/v1/me/invitations');
    expect(notice.body).not.to.match(/pbxi_/);
    expect(f.smtp.received.filter((mail) => mail.to.includes(typed))).to.deep.equal([]);
    expect(await f.api.db('invitations').where({ id: invited.body.invitationId }).first('token_hash')).to.deep.equal({ token_hash: null });
  });
});
