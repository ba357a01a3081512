// One resolver turns a destination into the step of a call that serves it (shared/DESIGN: destinations).
// A step rings what the destination stands for and says how that went: answered by a leg, go on to another
// destination (forwarding, failover), or end the call with an outcome for the caller. The routed call
// (flows/routed-call.ts) runs the steps, counts the hops and owns every channel.
import type { Destination } from '../../core/destinations';
import type { Logger } from '../../core/logger';
import type { AnsweredBy, CallOutcome, PathStep } from '../calls/records';
import type { ExternalLegs } from '../flows/outbound-legs';
import type { CallerOutcome, FlowDeps } from '../flows/call';
import { outcomeForFailedLegs, type RingLeg, type RingResult } from '../flows/ringer';
import { serveRingGroup } from '../flows/ring-group';
import { serveUser } from '../flows/user';

export type StepResult =
  | { kind: 'answered'; legId: string; by: AnsweredBy }
  | { kind: 'next'; destination: Destination; via: PathStep }
  | { kind: 'end'; outcome: CallerOutcome; reason: string; recorded?: CallOutcome };

/** What a step may do with the call it serves. */
export interface RoutedCallView {
  readonly callId: string;
  readonly accountId: number;
  readonly deps: FlowDeps;
  readonly log: Logger;
  /** The calling device's endpoint (never rung for its own call); undefined for trunk calls. */
  readonly callerEndpoint: string | undefined;
  readonly caller: { name: string; number: string };
  readonly ended: boolean;
  /** Rings the legs (ringback to the caller from the first ring on); `withinMs` bounds the whole attempt. */
  ring(legs: RingLeg[], options?: { withinMs?: number }): Promise<RingResult>;
  record(step: PathStep): void;
  /** Channel variables that show a called party the caller's ID, its name prefixed when `prefix` is given. */
  callerIdVariables(prefix: string | null): Record<string, string>;
  /** The leg that rings an external number through the account's trunks (flows/outbound-legs.ts), or why it
   *  may not (toll fraud, no trunk, no caller ID, the outbound limit); absent without outbound services. */
  readonly externalLeg?: (number: string, timeoutSeconds: number, variables: Record<string, string>) => Promise<ExternalLegs>;
}

export type Step = (call: RoutedCallView) => Promise<StepResult>;

// Q.850 cause 1, unallocated number: SIP 404. What a destination that is not built yet gets.
const notBuilt = (what: string): Step => async (call) => {
  call.log.warn('destination not available yet', { destination: what });
  return { kind: 'end', outcome: 'unallocated', reason: `${what} not available` };
};

/** The step that serves a destination. */
export function stepFor(destination: Destination): Step {
  switch (destination.type) {
    case 'user': return (call) => serveUser(call, destination.userId);
    case 'ring_group': return (call) => serveRingGroup(call, destination.ringGroupId);
    case 'external': return (call) => serveExternal(call, destination.number);
    case 'hangup': return async (call) => {
      call.record({ type: 'hangup' });
      return { kind: 'end', outcome: 'normal', reason: 'destination hangs up' };
    };
    case 'queue': return notBuilt('queue');
    case 'ivr': return notBuilt('ivr');
    case 'voicemail': return notBuilt('voicemail');
  }
}

// How long a forwarded call rings an external number before the caller is told nobody answered.
const EXTERNAL_RING_SECONDS = 60;

/** An external number through a trunk (the outbound flow's leg); refused while that is not available. */
async function serveExternal(call: RoutedCallView, number: string): Promise<StepResult> {
  if (!call.externalLeg) return notBuilt('external number')(call);
  call.record({ type: 'external', number });
  const external = await call.externalLeg(number, EXTERNAL_RING_SECONDS, call.callerIdVariables(null));
  // Refused (a forward to a premium number is toll fraud by forwarding): the caller gets the refusal's status.
  if (external.kind === 'refused') return { kind: 'end', outcome: external.outcome, reason: external.reason, recorded: 'refused' };
  const result = await call.ring(external.legs);
  if (result.kind === 'answered') return { kind: 'answered', legId: result.legId, by: { legId: result.legId, number } };
  return { kind: 'end', outcome: outcomeForFailedLegs(result.statuses), reason: 'external number did not answer' };
}
