// A call to a ring group. Strategies: ring_all (every member at once), linear (hunt in position order),
// round_robin (hunt starting after the member who answered last: ring_groups.next_position, moved on each
// answer) and random. Each member rings for its own ring time (else the group's), the whole attempt for at most
// the group's total time; hunting goes round again while time is left and someone could ring. Members that are
// users ring all their registered devices (not when on do not disturb, nor with skip_busy when a device of theirs
// is in a call); external members ring through a trunk. Members see the caller's ID, optionally prefixed with
// the group's prefix ("Sales: Alice"). Nobody answers -> the failover destination, else 480.
import type { RingGroupMember, RingGroupRouting, RingStrategy } from '../../db/repositories/routing';
import type { RoutedCallView, StepResult } from '../routing/resolver';
import type { RingLeg } from './ringer';
import { describeDestination, deviceLegs, reachableDevices } from './user';

/** The order members are tried in. ring_all rings them together (the order is only the leg order). */
export function huntOrder(strategy: RingStrategy, members: RingGroupMember[], nextPosition: number, random: () => number = Math.random): RingGroupMember[] {
  const sorted = [...members].sort((a, b) => a.position - b.position);
  if (strategy === 'round_robin') {
    const start = sorted.findIndex((member) => member.position >= nextPosition);
    return start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
  }
  if (strategy === 'random') {
    for (let index = sorted.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [sorted[index], sorted[other]] = [sorted[other] as RingGroupMember, sorted[index] as RingGroupMember];
    }
  }
  return sorted;
}

/** Round robin's memory after a member answered: the next call starts with the member after them. */
export function nextPositionAfter(answered: RingGroupMember): number {
  return answered.position + 1;
}

/** The caller ID members see: the caller's, its name prefixed with the group's prefix when it has one. */
export function shownCallerId(caller: { name: string; number: string }, prefix: string | null): { name: string; number: string } {
  if (!prefix) return caller;
  return { name: `${prefix}: ${caller.name || caller.number}`, number: caller.number };
}

const memberSeconds = (group: RingGroupRouting, member: RingGroupMember): number => member.ringSeconds ?? group.memberRingSeconds;

/** A member's legs, or none when the member cannot take the call now (unknown, DND, unregistered, busy). */
async function memberLegs(call: RoutedCallView, group: RingGroupRouting, member: RingGroupMember, seconds: number, channels: ChannelNames): Promise<RingLeg[]> {
  const variables = call.callerIdVariables(group.callerIdPrefix);
  if (member.type === 'external') {
    if (!member.number || !call.externalLeg) {
      call.log.warn('external ring group member skipped: outbound legs not available', { ringGroupId: group.id, position: member.position });
      return [];
    }
    const external = await call.externalLeg(member.number, seconds, variables);
    // A refused member (toll fraud, no trunk, the outbound limit) is skipped like an unreachable one.
    if (external.kind === 'refused') call.log.warn('external ring group member skipped', { ringGroupId: group.id, position: member.position, reason: external.reason });
    return external.kind === 'legs' ? external.legs : [];
  }
  const user = member.userId === null ? undefined : await call.deps.directory.user(call.accountId, member.userId);
  if (!user || user.settings?.dnd) return [];
  const { registered } = await reachableDevices(call, user.endpointIds);
  if (registered.length === 0) return [];
  if (group.skipBusy && inACall(await channels(), user.endpointIds)) {
    call.log.info('busy member skipped', { ringGroupId: group.id, userId: user.userId });
    return [];
  }
  return deviceLegs(registered, user.userId, seconds, variables);
}

/** The names of Asterisk's channels, listed at most once per use (ARI's channel list is one request over every
 *  channel): ring all asks it for all members at once, a hunt afresh for each member it reaches. */
type ChannelNames = () => Promise<string[]>;

function channelNamesOnce(call: RoutedCallView): ChannelNames {
  let names: Promise<string[]> | undefined;
  return () => (names ??= call.deps.ari.listChannels().then((channels) => channels.map((channel) => channel.name)));
}

/** Whether any of these devices has a channel in Asterisk now. */
function inACall(channelNames: string[], endpointIds: string[]): boolean {
  const prefixes = endpointIds.map((id) => `PJSIP/${id}-`);
  return channelNames.some((name) => prefixes.some((prefix) => name.startsWith(prefix)));
}

export async function serveRingGroup(call: RoutedCallView, ringGroupId: number): Promise<StepResult> {
  const group = await call.deps.directory.ringGroup(call.accountId, ringGroupId);
  if (!group) return { kind: 'end', outcome: 'unallocated', reason: 'unknown ring group' };
  call.record({ type: 'ring_group', id: group.id, name: group.name });
  const deadline = Date.now() + group.totalSeconds * 1000;
  const answered = group.strategy === 'ring_all' ? await ringAll(call, group) : await hunt(call, group, deadline);
  if (answered) return answered;
  if (call.ended) return { kind: 'end', outcome: 'normal', reason: 'caller hung up while ringing' };
  if (group.failover) {
    return { kind: 'next', destination: group.failover, via: { type: 'forward', condition: 'no_answer', to: describeDestination(group.failover) } };
  }
  return { kind: 'end', outcome: 'no_answer', reason: 'no ring group member answered' };
}

async function ringAll(call: RoutedCallView, group: RingGroupRouting): Promise<StepResult | undefined> {
  const legs: RingLeg[] = [];
  const channels = channelNamesOnce(call);
  for (const member of group.members) {
    legs.push(...(await memberLegs(call, group, member, Math.min(memberSeconds(group, member), group.totalSeconds), channels)));
  }
  if (legs.length === 0 || call.ended) return undefined;
  call.log.info('ring group ringing', { ringGroupId: group.id, strategy: group.strategy, legs: legs.length });
  const result = await call.ring(legs, { withinMs: group.totalSeconds * 1000 });
  return result.kind === 'answered' ? answeredBy(result.legId, result.leg) : undefined;
}

async function hunt(call: RoutedCallView, group: RingGroupRouting, deadline: number): Promise<StepResult | undefined> {
  for (;;) {
    let someoneRang = false;
    for (const member of huntOrder(group.strategy, group.members, group.nextPosition)) {
      const left = deadline - Date.now();
      if (left < 1000 || call.ended) return undefined;
      const withinMs = Math.min(memberSeconds(group, member) * 1000, left);
      const legs = await memberLegs(call, group, member, Math.ceil(withinMs / 1000), channelNamesOnce(call));
      if (legs.length === 0) continue;
      call.log.info('ring group member ringing', { ringGroupId: group.id, strategy: group.strategy, position: member.position, legs: legs.length });
      const result = await call.ring(legs, { withinMs });
      if (result.kind === 'answered') {
        if (group.strategy === 'round_robin') call.deps.directory.rememberNextPosition(call.accountId, group, nextPositionAfter(member));
        return answeredBy(result.legId, result.leg);
      }
      someoneRang ||= result.statuses.some((status) => status === 'NOANSWER' || status === 'CANCEL');
    }
    // Round again only if someone could ring: a group whose members are all away fails at once.
    if (!someoneRang) return undefined;
  }
}

function answeredBy(legId: string, leg: RingLeg): StepResult {
  return { kind: 'answered', legId, by: { legId, userId: leg.record.userId, number: leg.record.number } };
}
