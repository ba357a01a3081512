// Editing and re-applying a custom role under the tier rules: a role is only the editor's to change while every
// holder is someone they could demote or remove directly. Otherwise an Owner could lower a peer Owner's role to
// rank 1, re-apply it, and then remove that peer.
import { expect } from 'chai';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

interface RoleView { id: number; presetKey: string | null; permissions: string[] }

describe('role edits under the tier rules', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Role tiers org', subaccount: 'Role tiers phone system' });

  async function ownerPermissions(): Promise<string[]> {
    const roles = await f.org.api.get<{ roles: RoleView[] }>(`/v1/accounts/${f.subaccountId}/roles`);
    return roles.body.roles.find((role) => role.presetKey === 'owner')!.permissions;
  }

  async function membershipOf(userId: number): Promise<{ role: string; rank: number; status: string }> {
    const user = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users/${userId}`);
    expectStatus(user, 200);
    return user.body.membership;
  }

  it('given an Owner and a peer holding a custom role at Owner rank, when the Owner edits it to rank 1, re-applies it and removes the peer, then each step is refused and the peer stays', async () => {
    const coOwnerRole = await f.org.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'Co-owner', type: 'customer', rank: 11, permissions: await ownerPermissions() });
    expectStatus(coOwnerRole, 201);
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const peer = await addUser(f.org.api, f.subaccountId, 'coowner', coOwnerRole.body.id);
    const rolePath = `/v1/accounts/${f.subaccountId}/roles/${coOwnerRole.body.id}`;

    const edit = await owner.api.patch(rolePath, { rank: 1 });
    expectStatus(edit, 403, 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
    expect(edit.body.error.details).to.deep.include({ yourRank: 11, holders: [{ userId: peer.id, rank: 11 }] });
    expectStatus(await owner.api.patch(rolePath, { name: 'Demoted co-owner' }), 403, 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
    expectStatus(await owner.api.post(`${rolePath}/reapply`), 403, 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
    expectStatus(await owner.api.delete(rolePath), 403, 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
    expectStatus(await owner.api.post(`/v1/accounts/${f.subaccountId}/users/${peer.id}/remove`, {}), 403, 'TARGET_NOT_BELOW_YOU');

    expect(await membershipOf(peer.id)).to.include({ role: 'Co-owner', rank: 11, status: 'active' });
    const roles = await f.org.api.get<{ roles: (RoleView & { rank: number; name: string })[] }>(`/v1/accounts/${f.subaccountId}/roles`);
    expect(roles.body.roles.find((role) => role.id === coOwnerRole.body.id)).to.include({ name: 'Co-owner', rank: 11 });
  });

  it('given a role held by the editor themselves, when they edit or re-apply it, then it is refused (their own tier)', async () => {
    const shared = await f.org.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'Shared owner', type: 'customer', rank: 11, permissions: await ownerPermissions() });
    const holder = await addUser(f.org.api, f.subaccountId, 'sharedowner', shared.body.id);
    expectStatus(await holder.api.patch(`/v1/accounts/${f.subaccountId}/roles/${shared.body.id}`, { rank: 10 }), 403, 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
    expectStatus(await holder.api.post(`/v1/accounts/${f.subaccountId}/roles/${shared.body.id}/reapply`), 403, 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
  });

  it('given a role held only by users below the editor, when the Owner edits and re-applies it, then the holders get the new rank and permissions', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const lead = await owner.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'Team lead', type: 'unit', rank: 5, permissions: ['accounts.read', 'pages.dashboard'] });
    expectStatus(lead, 201);
    const holder = await addUser(owner.api, f.subaccountId, 'teamlead', lead.body.id);
    const rolePath = `/v1/accounts/${f.subaccountId}/roles/${lead.body.id}`;

    expectStatus(await owner.api.patch(rolePath, { rank: 6, permissions: ['accounts.read', 'pages.dashboard', 'users.read'] }), 200);
    expect(await owner.api.post(`${rolePath}/reapply`)).to.deep.include({ status: 200, body: { updated: 1 } });
    expect(await membershipOf(holder.id)).to.include({ role: 'Team lead', rank: 6 });
    expectStatus(await holder.api.get(`/v1/accounts/${f.subaccountId}/users`), 200);
  });

  it('given an Owner, when they raise a role above their rank, grant a permission they lack or edit a preset, then each is refused', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const role = await owner.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'Floor admin', type: 'customer', rank: 10, permissions: ['accounts.read'] });
    expectStatus(role, 201);
    const rolePath = `/v1/accounts/${f.subaccountId}/roles/${role.body.id}`;
    expectStatus(await owner.api.patch(rolePath, { rank: 12 }), 403, 'RANK_ABOVE_YOURS');
    expectStatus(await owner.api.patch(rolePath, { permissions: ['accounts.read', 'subaccounts.create'] }), 403, 'PERMISSION_NOT_HELD');
    const adminPreset = await presetRoleId(owner.api, f.subaccountId, 'admin');
    expectStatus(await owner.api.patch(`/v1/accounts/${f.subaccountId}/roles/${adminPreset}`, { rank: 1 }), 409, 'PRESET_ROLE_READ_ONLY');
    expectStatus(await owner.api.post(`/v1/accounts/${f.subaccountId}/roles/${adminPreset}/reapply`), 409, 'PRESET_ROLE_READ_ONLY');
  });

  it('given a re-apply racing a promotion of its holder to Owner, when both run at once (10 times), then the promoted holder always ends as Owner', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const ownerRole = await presetRoleId(f.org.api, f.subaccountId, 'owner');
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const low = await owner.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: `Low ${attempt}`, type: 'unit', rank: 3, permissions: ['accounts.read'] });
      const holder = await addUser(owner.api, f.subaccountId, 'low', low.body.id);
      expectStatus(await owner.api.patch(`/v1/accounts/${f.subaccountId}/roles/${low.body.id}`, { rank: 1 }), 200);
      const [reapplied, promoted] = await Promise.all([
        owner.api.post(`/v1/accounts/${f.subaccountId}/roles/${low.body.id}/reapply`),
        f.org.api.put(`/v1/accounts/${f.subaccountId}/users/${holder.id}/role`, { roleId: ownerRole }),
      ]);
      expectStatus(promoted, 200);
      expect(reapplied.status, JSON.stringify(reapplied.body)).to.be.oneOf([200, 403, 409]);
      expect(await membershipOf(holder.id), `attempt ${attempt}`).to.include({ role: 'Owner', rank: 11 });
    }
  });
});
