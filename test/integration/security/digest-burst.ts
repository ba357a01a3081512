// A parallel burst of wrong-digest REGISTERs from one address, as a guessing tool fires them: first one
// unauthenticated REGISTER per dialog to collect a challenge each (no failures yet), then every answer with a
// wrong password at once. Each dialog's final answer says whether Asterisk evaluated the guess (401) or had
// already refused the address (403). Plain UDP and RFC 2617 digests: SIPp cannot hold a thousand challenges
// and release their answers together.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

export interface BurstOptions {
  fromIp: string;
  target: { host: string; port: number };
  username: string;
  wrongPassword: string;
  count: number;
}

export interface BurstResult {
  /** Wrong digests Asterisk evaluated (answered 401 after checking them). */
  evaluated: number;
  /** Answered 403: the address was blocked before the guess was looked at. */
  refused: number;
  /** Dialogs refused 403 already at their challenge request (the block came during the first phase). */
  refusedBeforeChallenge: number;
  unanswered: number;
}

interface Dialog {
  callId: string;
  tag: string;
  challenge?: Record<string, string>;
  final?: number;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const token = (): string => randomBytes(6).toString('hex');

function parseChallenge(header: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of header.replace(/^Digest\s+/i, '').matchAll(/(\w+)=("([^"]*)"|[^,\s]*)/g)) fields[match[1]!.toLowerCase()] = match[3] ?? match[2]!;
  return fields;
}

function headerOf(message: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(message)?.[1]?.trim();
}

export async function digestBurst(options: BurstOptions): Promise<BurstResult> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, options.fromIp, resolve));
  socket.setRecvBufferSize(8 * 1024 * 1024);
  const { port } = socket.address();
  const uri = `sip:${options.target.host}:${options.target.port}`;
  const dialogs = new Map<string, Dialog>();
  for (let n = 0; n < options.count; n++) {
    const dialog = { callId: `burst-${n}-${token()}@${options.fromIp}`, tag: token() };
    dialogs.set(dialog.callId, dialog);
  }
  const request = (dialog: Dialog, cseq: number, authorization?: string): Buffer => Buffer.from([
    `REGISTER ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${options.fromIp}:${port};branch=z9hG4bK${cseq}${dialog.tag};rport`,
    'Max-Forwards: 70',
    `From: <sip:${options.username}@${options.target.host}>;tag=${dialog.tag}`,
    `To: <sip:${options.username}@${options.target.host}>`,
    `Call-ID: ${dialog.callId}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${options.username}@${options.fromIp}:${port}>`,
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Expires: 60',
    'User-Agent: digest-burst',
    'Content-Length: 0',
    '', '',
  ].join('\r\n'));
  let phase: 1 | 2 = 1;
  let refusedBeforeChallenge = 0;
  socket.on('message', (data) => {
    const text = data.toString();
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
    const dialog = dialogs.get(headerOf(text, 'Call-ID') ?? '');
    const cseq = Number(/^(\d+)/.exec(headerOf(text, 'CSeq') ?? '')?.[1]);
    if (!dialog || status < 200) return;
    if (cseq === 1 && phase === 1 && !dialog.challenge && dialog.final === undefined) {
      if (status === 401) dialog.challenge = parseChallenge(headerOf(text, 'WWW-Authenticate') ?? '');
      else { dialog.final = status; refusedBeforeChallenge += 1; }
    }
    if (cseq === 2 && dialog.final === undefined) dialog.final = status;
  });
  const authorizationOf = (dialog: Dialog): string => {
    const challenge = dialog.challenge!;
    const cnonce = dialog.tag;
    const ha1 = md5(`${options.username}:${challenge.realm}:${options.wrongPassword}`);
    const ha2 = md5(`REGISTER:${uri}`);
    const qop = challenge.qop ? 'auth' : undefined;
    const response = qop ? md5(`${ha1}:${challenge.nonce}:00000001:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${challenge.nonce}:${ha2}`);
    return [`Digest username="${options.username}"`, `realm="${challenge.realm}"`, `nonce="${challenge.nonce}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5',
      ...(challenge.opaque !== undefined ? [`opaque="${challenge.opaque}"`] : []), ...(qop ? [`qop=${qop}`, 'nc=00000001', `cnonce="${cnonce}"`] : [])].join(', ');
  };
  const send = (message: Buffer): void => socket.send(message, options.target.port, options.target.host);
  // Phase 1: challenges, retransmitted as SIP would for dialogs whose answer was dropped.
  for (let attempt = 0; attempt < 6; attempt++) {
    const waiting = [...dialogs.values()].filter((dialog) => !dialog.challenge && dialog.final === undefined);
    if (waiting.length === 0) break;
    for (const dialog of waiting) send(request(dialog, 1));
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  phase = 2;
  const challenged = [...dialogs.values()].filter((dialog) => dialog.challenge);
  const authorizations = new Map(challenged.map((dialog) => [dialog.callId, request(dialog, 2, authorizationOf(dialog))]));
  // Phase 2: every wrong answer at once.
  for (let attempt = 0; attempt < 6; attempt++) {
    const waiting = challenged.filter((dialog) => dialog.final === undefined);
    if (waiting.length === 0) break;
    for (const dialog of waiting) send(authorizations.get(dialog.callId)!);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  socket.close();
  const finals = challenged.map((dialog) => dialog.final);
  return {
    evaluated: finals.filter((status) => status === 401).length,
    refused: finals.filter((status) => status === 403).length,
    refusedBeforeChallenge,
    unanswered: finals.filter((status) => status === undefined).length + [...dialogs.values()].filter((dialog) => !dialog.challenge && dialog.final === undefined).length,
  };
}
