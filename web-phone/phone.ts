// The web phone page: fills the account form with sensible defaults, drives the Softphone from its buttons
// and shows what happens, as text for people and as data-* attributes on #phone for scripts and tests.
import { Softphone, type AudioCounters, type CallState, type PhoneSettings, type RegistrationState } from './softphone';

// What the page remembers between visits; never the password.
const REMEMBERED_FIELDS = ['ws-url', 'username', 'domain', 'number'] as const;
const STORAGE_PREFIX = 'pbx-web-phone:';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const input = (id: string): HTMLInputElement => element<HTMLInputElement>(id);
const button = (id: string): HTMLButtonElement => element<HTMLButtonElement>(id);

/** Behind production's TLS reverse proxy Asterisk's /ws is on the page's own origin; in development the page
 *  comes from the admin API and Asterisk's HTTP server listens on its own port of the same host. */
function defaultWebSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'hostname'>, asteriskHttpPort: string): string {
  if (location.protocol === 'https:') return `wss://${location.host}/ws`;
  return `ws://${location.hostname}:${asteriskHttpPort}/ws`;
}

function fillDefaults(root: HTMLElement): void {
  const defaults: Record<string, string> = {
    'ws-url': defaultWebSocketUrl(window.location, root.dataset.defaultWsPort ?? '8088'),
    domain: root.dataset.defaultDomain || window.location.hostname,
  };
  for (const id of REMEMBERED_FIELDS) {
    input(id).value = localStorage.getItem(`${STORAGE_PREFIX}${id}`) ?? defaults[id] ?? '';
  }
}

function remember(): void {
  for (const id of REMEMBERED_FIELDS) localStorage.setItem(`${STORAGE_PREFIX}${id}`, input(id).value.trim());
}

function settingsFromForm(): PhoneSettings {
  return {
    webSocketUrl: input('ws-url').value.trim(),
    username: input('username').value.trim(),
    password: input('password').value,
    domain: input('domain').value.trim(),
  };
}

const CALL_IN_PROGRESS: ReadonlySet<CallState> = new Set(['calling', 'ringing', 'incoming', 'confirmed']);

/** Enables the buttons that make sense in the current state. */
function refreshButtons(root: HTMLElement): void {
  const registered = root.dataset.registration === 'registered';
  const inCall = CALL_IN_PROGRESS.has(root.dataset.call as CallState);
  button('unregister').disabled = root.dataset.registration === 'unregistered';
  button('call').disabled = !registered || inCall;
  button('answer').disabled = root.dataset.call !== 'incoming';
  button('hangup').disabled = !inCall;
}

function showRegistration(root: HTMLElement, state: RegistrationState, detail: string): void {
  root.dataset.registration = state;
  element('registration-status').textContent = state === 'registered' ? `Registered as ${input('username').value.trim()}` : detail;
  refreshButtons(root);
}

function showCall(root: HTMLElement, state: CallState, detail: string): void {
  root.dataset.call = state;
  element('call-status').textContent = detail;
  refreshButtons(root);
}

function showMedia(root: HTMLElement, state: RTCPeerConnectionState | 'none'): void {
  root.dataset.media = state;
  element('media-status').textContent = state === 'none' ? 'No audio' : `Audio ${state}`;
}

function showAudio(root: HTMLElement, counters: AudioCounters): void {
  root.dataset.packetsReceived = String(counters.packetsReceived);
  root.dataset.packetsSent = String(counters.packetsSent);
  if (root.dataset.media === 'connected') {
    element('media-status').textContent = `Audio connected: ${counters.packetsReceived} packets received, ${counters.packetsSent} sent`;
  }
}

function start(): void {
  const root = element('phone');
  const audio = element<HTMLAudioElement>('remote-audio');
  fillDefaults(root);
  const phone = new Softphone({
    registration: (state, detail) => showRegistration(root, state, detail),
    call: (state, detail) => showCall(root, state, detail),
    media: (state) => showMedia(root, state),
    audio: (counters) => showAudio(root, counters),
    remoteStream: (stream) => {
      audio.srcObject = stream;
    },
  });
  element('account-form').addEventListener('submit', (event) => {
    event.preventDefault();
    remember();
    phone.register(settingsFromForm());
  });
  button('unregister').addEventListener('click', () => phone.unregister());
  element('call-form').addEventListener('submit', (event) => {
    event.preventDefault();
    remember();
    phone.call(input('number').value.trim());
  });
  button('answer').addEventListener('click', () => phone.answer());
  button('hangup').addEventListener('click', () => phone.hangUp());
  window.addEventListener('pagehide', () => phone.unregister());
}

start();
