// The ARI events and objects this app acts on, typed from Asterisk 22's rest-api/events.json. Only the fields
// we read are declared; Asterisk sends more.

export interface ChannelSnapshot {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime: string;
}

export interface StasisStartEvent {
  type: 'StasisStart';
  channel: ChannelSnapshot;
  args: string[];
  replace_channel?: ChannelSnapshot;
}
export interface StasisEndEvent { type: 'StasisEnd'; channel: ChannelSnapshot }
export interface ChannelDestroyedEvent { type: 'ChannelDestroyed'; channel: ChannelSnapshot; cause: number; cause_txt: string }
export interface ChannelHangupRequestEvent { type: 'ChannelHangupRequest'; channel: ChannelSnapshot; cause?: number }
export interface ChannelStateChangeEvent { type: 'ChannelStateChange'; channel: ChannelSnapshot }
export interface DialEvent {
  type: 'Dial';
  peer: ChannelSnapshot;
  caller?: ChannelSnapshot;
  /** Empty while dialing starts; then RINGING, PROGRESS, ANSWER, BUSY, NOANSWER, CHANUNAVAIL, CONGESTION, CANCEL. */
  dialstatus: string;
}

export type CallEvent =
  | StasisStartEvent
  | StasisEndEvent
  | ChannelDestroyedEvent
  | ChannelHangupRequestEvent
  | ChannelStateChangeEvent
  | DialEvent;

/** The channel an event is about, for routing it to the call that owns that channel. */
export function eventChannelId(event: CallEvent): string {
  return event.type === 'Dial' ? event.peer.id : event.channel.id;
}

export const CALL_EVENT_TYPES: ReadonlySet<string> = new Set<CallEvent['type']>([
  'StasisStart', 'StasisEnd', 'ChannelDestroyed', 'ChannelHangupRequest', 'ChannelStateChange', 'Dial',
]);

/** The PJSIP endpoint a channel belongs to, from its name (PJSIP/<endpoint>-<sequence>). */
export function endpointOf(channel: { name: string }): string {
  return channel.name.replace(/^PJSIP\//, '').replace(/-[0-9a-f]+$/, '');
}
