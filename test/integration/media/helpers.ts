// What the media suites share: their SIPp scenarios, the phones' legs in Asterisk once bridged, and audio
// started both ways (each phone sends to the RTP port Asterisk opened for its leg).
import path from 'node:path';
import { SippAgent } from '../../support/sipp';
import { until } from '../../support/until';
import type { CallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall, type Phone } from '../../support/phones';

export const mediaScenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);

export function call(from: Phone, extension: string, scenarioName: string, holdMs = 3000): Promise<SippAgent> {
  return placeCall(from, extension, holdMs, { scenarioPath: mediaScenario(scenarioName), timeoutSeconds: 40 });
}

export function answer(phone: Phone, scenarioName: string, timeoutSeconds = 40): SippAgent {
  return answerCalls(phone, scenarioName, 200, { scenarioPath: mediaScenario(scenarioName), timeoutSeconds });
}

export interface Legs {
  caller: string;
  callee: string;
}

/** The two phones' channels, once a bridge holds both; if the call fails first, how it failed. */
export function bridgedLegs(f: CallFixture, caller: Phone, callee: Phone, callerAgent: SippAgent): Promise<Legs> {
  const failed = callerAgent.done.then((result) => result.logged.final === '200'
    ? new Promise<never>(() => undefined)
    : Promise.reject(new Error(`the call failed before connecting: ${JSON.stringify(result.logged)} ${result.errors.slice(0, 600)}`)));
  failed.catch(() => undefined);
  return Promise.race([failed, until('both phones are bridged together', async () => {
    const [bridges, channels] = await Promise.all([f.stack.ari.listBridges(), f.stack.ari.listChannels()]);
    const legOf = (phone: Phone) => channels.find((channel) => channel.name.startsWith(`PJSIP/${phone.device.sip.username}-`))?.id;
    const legs = { caller: legOf(caller), callee: legOf(callee) };
    const bridged = bridges.some((bridge) => legs.caller && legs.callee && bridge.channels.includes(legs.caller) && bridge.channels.includes(legs.callee));
    return bridged ? (legs as Legs) : undefined;
  }, { timeoutMs: 15_000 })]);
}

export async function startAudio(f: CallFixture, phone: Phone, leg: string, pattern: number): Promise<void> {
  const { value } = await f.stack.ari.getVariable(leg, 'CHANNEL(rtp,src)');
  const [host, port] = value.split(':');
  phone.rtp.sendTo(host ?? '127.0.0.1', Number(port), pattern);
}

/** Channels of these phones still in Asterisk. */
export async function channelsOf(f: CallFixture, phones: Phone[]): Promise<string[]> {
  const names = phones.map((phone) => `PJSIP/${phone.device.sip.username}-`);
  return (await f.stack.ari.listChannels()).filter((channel) => names.some((name) => channel.name.startsWith(name))).map((channel) => channel.name);
}
