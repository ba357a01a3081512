// The end to end: a number bought through the API (worker, Telnyx emulator) is live on its destination
// at once: called from a SIPp "provider" on the trunk it arrives on, it rings the destination user's SIPp desk
// phone, which answers. Released, the same call is refused as not in service (404). The ARI app runs on the
// suite's own Redis, so the routing changes the worker publishes are the ones it reads. Run under the test lock.
import path from 'node:path';
import { expect } from 'chai';
import { AriAppProcess } from '../../support/ari-app-process';
import { registerOrFail, type Phone } from '../../support/phones';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent, type SippResult } from '../../support/sipp';
import { openTestStack, type TestStack } from '../../support/stack';
import { addUser, expectStatus } from '../identity/helpers';
import { expectCall, invitedAt } from '../routing/routing-fixture';
import { useNumbersFixture } from './numbers-fixture';

const ROOT = path.resolve(__dirname, '../../..');
const TRUNK = 'num-calls';
const PROVIDER_IP = '127.0.0.68';

describe('a bought number takes calls on its destination; released, it is not in service (SIPp provider and phone)', function () {
  this.timeout(180_000);
  let app: AriAppProcess | undefined;
  let stack: TestStack | undefined;
  let phone: Phone | undefined;
  let colleaguePhone: Phone | undefined;
  let colleagueId: number;
  // Registered before the fixture's own hook, which removes the Redis the app and the stack use.
  after(async () => {
    phone?.rtp.close();
    colleaguePhone?.rtp.close();
    await app?.stop();
    await stack?.close();
  });
  const f = useNumbersFixture({ name: 'Numbers calls', seed: 105 });
  let accountId: number;
  let userId: number;

  /** A call from the provider's address to the number, holding 1 s once answered. */
  async function providerCalls(number: string): Promise<SippResult> {
    return new SippAgent({
      scenario: path.join(ROOT, 'test/integration/trunks/scenarios/provider-caller.xml'), localIp: PROVIDER_IP, localPort: await freeUdpPort(),
      service: number, keys: { rtp_port: await freeRtpPort(), caller_user: '+14155550100' }, pauseMs: 1000, timeoutSeconds: 30,
    }).done;
  }

  before(async () => {
    accountId = f.subaccountId;
    stack = await openTestStack({ redisPort: f.redis.port });
    app = new AriAppProcess({ REDIS_PORT: String(f.redis.port), LOG_LEVEL: 'debug' });
    await app.start();
    await f.sellingTrunk(TRUNK, { accounts: [accountId], ip: PROVIDER_IP, setupPriceCents: 100 });
    await f.addCredits(f.org.accountId, 1000);
    ({ userId, phone } = await userWithPhone('Desk'));
    ({ userId: colleagueId, phone: colleaguePhone } = await userWithPhone('Colleague desk'));
  });

  /** An Agent of the account with a registered SIPp desk phone. */
  async function userWithPhone(label: string): Promise<{ userId: number; phone: Phone }> {
    const user = await addUser(f.org.api, accountId, 'agent');
    const device = await (stack as TestStack).devices.create(accountId, { label, kind: 'desk_phone', userId: user.id });
    const rtp = new RtpPeer(await freeRtpPort());
    await rtp.start();
    const registered = { device, uasPort: await freeUdpPort(), rtp };
    await registerOrFail(registered);
    return { userId: user.id, phone: registered };
  }

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && app) process.stderr.write(`ari-app log:\n${app.output.slice(-8000)}\n`);
  });

  it('given a number bought with the user as its destination, when the provider calls it, then the user\'s phone rings and answers; moved to a colleague, the next call rings the colleague within 1 s; after release the same call gets 404', async () => {
    const [number] = await f.available(f.org.api, accountId, TRUNK, { areaCode: '206' });
    if (!number) throw new Error('the emulator offered no number');
    const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number, destination: { type: 'user', userId } });
    expectStatus(placed, 202);
    const bought = await f.orderReaches(f.org.api, accountId, placed.body.order.id, ['completed', 'failed']);
    expect(bought.order.state, bought.order.error ?? '').to.equal('completed');

    const callee = expectCall(phone as Phone, 'answer');
    const call = await providerCalls(number);
    const answered = await callee.done;
    expect(call.logged.final, call.errors).to.equal('200');
    expect(answered.logged.invited, answered.errors).to.equal('yes');

    // A new destination holds from the very next call: the call is placed as soon as the PATCH answers.
    const moved = await f.org.api.patch(`/v1/accounts/${accountId}/numbers/${placed.body.number.id}`, { destination: { type: 'user', userId: colleagueId } });
    expectStatus(moved, 200);
    const movedAt = Date.now();
    const colleague = expectCall(colleaguePhone as Phone, 'answer');
    const formerDestination = expectCall(phone as Phone, 'answer');
    const movedCall = await providerCalls(number);
    const colleagueAnswered = await colleague.done;
    formerDestination.stop();
    expect(movedCall.logged.final, movedCall.errors).to.equal('200');
    expect(colleagueAnswered.logged.invited, colleagueAnswered.errors).to.equal('yes');
    expect((await formerDestination.done).logged.invited, 'the former destination was rung').to.not.equal('yes');
    expect(invitedAt(colleagueAnswered) - movedAt, 'ms from the change to the new destination ringing').to.be.below(1000);

    const release = await f.org.api.delete(`/v1/accounts/${accountId}/numbers/${placed.body.number.id}`);
    expectStatus(release, 202);
    const released = await f.orderReaches(f.org.api, accountId, release.body.order.id, ['completed', 'failed']);
    expect(released.order.state, released.order.error ?? '').to.equal('completed');
    const untouched = expectCall(phone as Phone, 'answer');
    const refused = await providerCalls(number);
    expect(refused.logged.final, refused.errors).to.equal('404');
    untouched.stop();
    expect((await untouched.done).logged.invited).to.not.equal('yes');
  });
});
