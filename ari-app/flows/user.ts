// A call to a user: every registered device of theirs rings at once, with ringback to the caller; the first to
// answer wins. Before ringing: forward-always first, then do not disturb (the busy path), then no registered
// device (the unreachable path). After ringing: all busy -> busy forwarding or 486; nobody answered within the
// user's no-answer time -> no-answer forwarding or 480. The decisions are pure functions (unit-tested).
import type { Destination } from '../../core/destinations';
import type { ForwardCondition, UserRouting } from '../../db/repositories/routing';
import type { PathStep } from '../calls/records';
import type { RoutedCallView, StepResult } from '../routing/resolver';
import type { CallerOutcome } from './call';
import { failureOf, outcomeForFailedLegs, SUBSCRIBER_ABSENT, type RingLeg } from './ringer';

/** What a user step does next. */
export type UserDecision =
  | { kind: 'ring' }
  | { kind: 'forward'; condition: ForwardCondition; to: Destination }
  | { kind: 'end'; outcome: CallerOutcome; reason: string };

/** Who is rung: a user of the plan, or (until every device has a user) the devices of a bare extension. */
export type RingSubject = Pick<UserRouting, 'settings' | 'forwards' | 'endpointIds'> & { userId?: number; extension?: string | null };

/** Before any device rings. `others`: the user's devices except the calling one; `registered`: of those. */
export function beforeRinging(subject: Pick<RingSubject, 'settings' | 'forwards' | 'endpointIds'>, others: number, registered: number): UserDecision {
  const { forwards } = subject;
  if (forwards.always) return { kind: 'forward', condition: 'always', to: forwards.always };
  if (subject.settings?.dnd) return forwards.busy ? { kind: 'forward', condition: 'busy', to: forwards.busy } : { kind: 'end', outcome: 'busy', reason: 'do not disturb' };
  // Calling one's own extension from one's only device: nothing to ring (as before users: 404).
  if (others === 0 && subject.endpointIds.length > 0) return { kind: 'end', outcome: 'unallocated', reason: 'dialed own extension' };
  if (registered === 0) {
    return forwards.unreachable ? { kind: 'forward', condition: 'unreachable', to: forwards.unreachable } : { kind: 'end', outcome: SUBSCRIBER_ABSENT, reason: 'no device registered' };
  }
  return { kind: 'ring' };
}

/** After every device failed: busy, no answer or unreachable, each to its forwarding or the caller's outcome. */
export function afterRinging(forwards: RingSubject['forwards'], statuses: string[]): Exclude<UserDecision, { kind: 'ring' }> {
  const condition = failureOf(statuses);
  const to = forwards[condition];
  if (to) return { kind: 'forward', condition, to };
  const reason = condition === 'busy' ? 'busy' : condition === 'no_answer' ? 'no device answered' : 'no device reachable';
  return { kind: 'end', outcome: outcomeForFailedLegs(statuses), reason };
}

/** A destination as a call record's path shows it. */
export function describeDestination(destination: Destination): { type: string; id?: number; number?: string } {
  switch (destination.type) {
    case 'user': return { type: 'user', id: destination.userId };
    case 'ring_group': return { type: 'ring_group', id: destination.ringGroupId };
    case 'queue': return { type: 'queue', id: destination.queueId };
    case 'ivr': return { type: 'ivr', id: destination.ivrId };
    case 'voicemail': return { type: 'voicemail', id: destination.voicemailBoxId };
    case 'external': return { type: 'external', number: destination.number };
    case 'hangup': return { type: 'hangup' };
  }
}

export function decisionResult(decision: Exclude<UserDecision, { kind: 'ring' }>): StepResult {
  if (decision.kind === 'end') return decision;
  const via: PathStep = { type: 'forward', condition: decision.condition, to: describeDestination(decision.to) };
  return { kind: 'next', destination: decision.to, via };
}

/** The legs that ring a user's devices, showing the members the given caller ID variables. */
export function deviceLegs(endpointIds: string[], userId: number | undefined, timeoutSeconds: number, variables: Record<string, string>): RingLeg[] {
  return endpointIds.map((endpointId) => ({
    endpoint: `PJSIP/${endpointId}`, timeoutSeconds, variables, record: { kind: 'device', endpointId, userId },
  }));
}

/** The user's devices other than the calling one, and which of those are registered (read fresh). */
export async function reachableDevices(call: RoutedCallView, endpointIds: string[]): Promise<{ others: string[]; registered: string[] }> {
  const others = endpointIds.filter((id) => id !== call.callerEndpoint);
  if (others.length === 0) return { others, registered: [] };
  const registered = await call.deps.directory.registered(others);
  return { others, registered: others.filter((id) => registered.has(id)) };
}

export async function ringSubject(call: RoutedCallView, subject: RingSubject): Promise<StepResult> {
  const { others, registered } = await reachableDevices(call, subject.endpointIds);
  const decision = beforeRinging(subject, others.length, registered.length);
  if (decision.kind !== 'ring') return decisionResult(decision);
  const seconds = subject.settings?.noAnswerSeconds ?? call.deps.ringTimeoutSeconds;
  call.log.info('ringing', { userId: subject.userId, devices: registered.length, seconds });
  const result = await call.ring(deviceLegs(registered, subject.userId, seconds, call.callerIdVariables(null)));
  if (result.kind === 'answered') {
    return { kind: 'answered', legId: result.legId, by: { legId: result.legId, userId: subject.userId, number: subject.extension ?? undefined } };
  }
  return decisionResult(afterRinging(subject.forwards, result.statuses));
}

export async function serveUser(call: RoutedCallView, userId: number): Promise<StepResult> {
  const user = await call.deps.directory.user(call.accountId, userId);
  if (!user) return { kind: 'end', outcome: 'unallocated', reason: 'unknown user' };
  call.record({ type: 'user', userId });
  return ringSubject(call, user);
}
