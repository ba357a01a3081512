// Asterisk's AMI security events that mean a SIP request failed authentication. As Asterisk 22 raises them
// for PJSIP (seen with SIPp, Events: security):
//  - InvalidAccountID: no endpoint for the user named. Raised for every such request, the first credential-less
//    REGISTER included, which is all a scanner enumerating extensions sends.
//  - ChallengeResponseFailed: the credentials did not match. For an unknown user it comes with that same
//    request's InvalidAccountID, carrying AccountID "<unknown>": skipped, so one request counts once.
//  - InvalidPassword: not raised by PJSIP in what we saw; counted should a module raise it.
// Each carries RemoteAddress ("IPV4/UDP/127.0.0.7/5099"), SessionID (the Call-ID) and EventTV
// ("2026-11-23T23:20:53.947+0000"). ChallengeSent and SuccessfulAuth come for every good REGISTER.
import type { AmiMessage } from '../../core/asterisk/ami';
import { normaliseAddress } from './address-rules';

export const AUTH_FAILURE_EVENTS = ['InvalidAccountID', 'ChallengeResponseFailed', 'InvalidPassword'] as const;
export type AuthFailureEvent = (typeof AUTH_FAILURE_EVENTS)[number];

/** An AMI session filter (Action: Filter) that lets only these events through: a session that asked for
 *  "security" events otherwise gets two for every successful registration. */
export const AUTH_FAILURE_FILTER = `Event: (${AUTH_FAILURE_EVENTS.join('|')})`;

const UNKNOWN_ACCOUNT = '<unknown>';

export interface AuthFailure {
  address: string;
  event: AuthFailureEvent;
  accountId: string;
  atMs: number;
  /** The same in every ARI app instance that receives this event, different for each failed request. */
  key: string;
}

function isAuthFailureEvent(name: string | undefined): name is AuthFailureEvent {
  return (AUTH_FAILURE_EVENTS as readonly string[]).includes(name ?? '');
}

/** "IPV4/UDP/127.0.0.7/5099" or "IPV6/UDP/[2001:db8::1]/5060" -> the address alone. */
export function remoteAddressOf(remote: string): string | undefined {
  const parts = remote.split('/');
  if (parts.length < 4) return undefined;
  return normaliseAddress(parts.slice(2, -1).join('/'));
}

/** The failed request an event reports, or undefined for any other event. */
export function authFailureOf(message: AmiMessage, nowMs: number): AuthFailure | undefined {
  const event = message.Event;
  if (!isAuthFailureEvent(event) || message.Service !== 'PJSIP') return undefined;
  const accountId = message.AccountID ?? UNKNOWN_ACCOUNT;
  if (event === 'ChallengeResponseFailed' && accountId === UNKNOWN_ACCOUNT) return undefined;
  const address = remoteAddressOf(message.RemoteAddress ?? '');
  if (!address) return undefined;
  // Asterisk's own time, so every instance files the failure at the same place in the window.
  const eventTime = Date.parse(message.EventTV ?? '');
  return {
    address,
    event,
    accountId,
    atMs: Number.isNaN(eventTime) ? nowMs : eventTime,
    key: [message.EventTV ?? nowMs, message.SessionID ?? '', event, accountId].join('|'),
  };
}
