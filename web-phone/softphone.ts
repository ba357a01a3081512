// A SIP-over-WebSocket phone on JsSIP: one registration, one call at a time. It knows nothing of the page;
// it reports what happens through the listener so the page (or anything else) can show it.
import { UA, WebSocketInterface, debug } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import type { RTCSessionEvent } from 'jssip/lib/UA';

export type RegistrationState = 'unregistered' | 'connecting' | 'registered' | 'failed';
export type CallState = 'idle' | 'calling' | 'ringing' | 'incoming' | 'confirmed' | 'ended' | 'failed';

export interface PhoneSettings {
  webSocketUrl: string;
  username: string;
  password: string;
  domain: string;
}

export interface AudioCounters {
  packetsReceived: number;
  packetsSent: number;
}

export interface SoftphoneListener {
  registration(state: RegistrationState, detail: string): void;
  call(state: CallState, detail: string): void;
  /** The peer connection's state: 'connected' once ICE and DTLS are both up, i.e. media can flow. */
  media(state: RTCPeerConnectionState | 'none'): void;
  audio(counters: AudioCounters): void;
  remoteStream(stream: MediaStream | null): void;
}

// No STUN or TURN servers: the phone and Asterisk reach each other directly (same host or LAN), and a server
// that cannot be reached would hold every call until ICE gathering times out.
const PEER_CONNECTION_CONFIG: RTCConfiguration = { iceServers: [] };
const MEDIA_CONSTRAINTS: MediaStreamConstraints = { audio: true, video: false };
const AUDIO_STATS_INTERVAL_MS = 1000;

function describeFailure(cause: string, message: unknown): string {
  const status = (message as Partial<IncomingResponse> | undefined)?.status_code;
  return typeof status === 'number' ? `${cause} (${status})` : cause;
}

export class Softphone {
  private ua: UA | undefined;
  private session: RTCSession | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly listener: SoftphoneListener) {
    // JsSIP logs every SIP message to the console unless told not to.
    debug.disable();
  }

  register(settings: PhoneSettings): void {
    this.stop();
    const ua = new UA({
      sockets: [new WebSocketInterface(settings.webSocketUrl)],
      uri: `sip:${settings.username}@${settings.domain}`,
      authorization_user: settings.username,
      password: settings.password,
      register: true,
      // Asterisk keeps the call up by itself; session timers would only add re-INVITEs.
      session_timers: false,
      user_agent: 'PBX web phone',
    });
    this.ua = ua;
    this.listenToUa(ua, settings.webSocketUrl);
    this.listener.registration('connecting', `connecting to ${settings.webSocketUrl}`);
    ua.start();
  }

  unregister(): void {
    this.stop();
    this.listener.registration('unregistered', 'not registered');
  }

  call(number: string): void {
    const ua = this.ua;
    if (!ua?.isRegistered() || this.session) return;
    this.listener.call('calling', `calling ${number}`);
    ua.call(number, { mediaConstraints: MEDIA_CONSTRAINTS, pcConfig: PEER_CONNECTION_CONFIG });
  }

  answer(): void {
    if (this.session?.direction !== 'incoming' || this.session.isEstablished()) return;
    this.session.answer({ mediaConstraints: MEDIA_CONSTRAINTS, pcConfig: PEER_CONNECTION_CONFIG });
  }

  hangUp(): void {
    if (this.session && !this.session.isEnded()) this.session.terminate();
  }

  private stop(): void {
    this.hangUp();
    const ua = this.ua;
    this.ua = undefined;
    ua?.removeAllListeners();
    ua?.stop();
  }

  private listenToUa(ua: UA, url: string): void {
    ua.on('registered', () => this.listener.registration('registered', 'registered'));
    ua.on('unregistered', () => {
      if (this.ua === ua) this.listener.registration('unregistered', 'registration ended');
    });
    ua.on('registrationFailed', (event) => {
      // A refused registration is final: stop, so the phone does not retry with the same wrong credentials.
      this.stop();
      this.listener.registration('failed', describeFailure(event.cause ?? 'registration failed', event.response));
    });
    ua.on('disconnected', () => {
      if (ua.isRegistered()) {
        this.listener.registration('connecting', `connection to ${url} lost, reconnecting`);
        return;
      }
      this.stop();
      this.listener.registration('failed', `cannot connect to ${url}`);
    });
    ua.on('newRTCSession', ({ session }: RTCSessionEvent) => this.adoptSession(session));
  }

  private adoptSession(session: RTCSession): void {
    if (this.session) {
      // One call at a time: a second incoming call is told this phone is busy.
      session.terminate({ status_code: 486 });
      return;
    }
    this.session = session;
    if (session.direction === 'incoming') this.listener.call('incoming', `call from ${session.remote_identity.uri.user}`);
    // An outgoing session has its peer connection already; an incoming one announces it when answered.
    if (session.connection) this.watchMedia(session.connection);
    session.on('peerconnection', ({ peerconnection }) => this.watchMedia(peerconnection));
    session.on('progress', () => {
      if (session.direction === 'outgoing') this.listener.call('ringing', 'ringing');
    });
    session.on('confirmed', () => this.listener.call('confirmed', 'in call'));
    session.on('ended', (event) => this.endSession(session, 'ended', event.originator === 'local' ? 'you hung up' : 'the other side hung up'));
    session.on('failed', (event) => this.endSession(session, 'failed', describeFailure(event.cause, event.message)));
  }

  private watchMedia(connection: RTCPeerConnection): void {
    connection.addEventListener('connectionstatechange', () => this.listener.media(connection.connectionState));
    connection.addEventListener('track', (event) => this.listener.remoteStream(event.streams[0] ?? new MediaStream([event.track])));
    this.listener.media(connection.connectionState);
    this.statsTimer = setInterval(() => void this.reportAudio(connection), AUDIO_STATS_INTERVAL_MS);
  }

  private async reportAudio(connection: RTCPeerConnection): Promise<void> {
    const counters: AudioCounters = { packetsReceived: 0, packetsSent: 0 };
    (await connection.getStats()).forEach((report: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
      if (report.kind !== 'audio') return;
      if (report.type === 'inbound-rtp') counters.packetsReceived += report.packetsReceived ?? 0;
      if (report.type === 'outbound-rtp') counters.packetsSent += report.packetsSent ?? 0;
    });
    this.listener.audio(counters);
  }

  private endSession(session: RTCSession, state: 'ended' | 'failed', detail: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    clearInterval(this.statsTimer);
    this.listener.remoteStream(null);
    this.listener.media('none');
    this.listener.call(state, detail);
  }
}
