// A test's phones: devices provisioned through the project's code, each registered by a SIPp user agent from
// the port it takes calls on, and each with an RTP peer where its audio goes. The SIPp scenarios of these
// parties (register, call, answer, busy, ring forever) sit in scenarios/ beside this file.
import path from 'node:path';
import { expect } from 'chai';
import { freeRtpPort, freeUdpPort } from './ports';
import { RtpPeer } from './rtp-peer';
import { runSipp, SippAgent, type SippResult } from './sipp';
import type { DeviceProvisioning, TestStack } from './stack';

const scenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);

export interface Phone {
  device: DeviceProvisioning;
  /** Where this phone's SIPp user agent receives calls (its registered Contact). */
  uasPort: number;
  rtp: RtpPeer;
}

export async function provisionPhone(stack: TestStack, accountId: number, extension: string, label: string): Promise<Phone> {
  const device = await stack.devices.create(accountId, { extension, label, kind: 'desk_phone' });
  const rtp = new RtpPeer(await freeRtpPort());
  await rtp.start();
  return { device, uasPort: await freeUdpPort(), rtp };
}

export async function register(phone: Phone, password = phone.device.sip.password, localIp?: string): Promise<SippResult> {
  return runSipp({
    localIp,
    scenario: scenario('register'),
    // From the port it takes calls on, as a real phone does (Asterisk rewrites the Contact to the source).
    localPort: phone.uasPort,
    service: phone.device.sip.username,
    authUser: phone.device.sip.username,
    authPassword: password,
    keys: { contact_port: phone.uasPort, expires: 600 },
    timeoutSeconds: 10,
  });
}

export async function registerOrFail(phone: Phone): Promise<void> {
  const result = await register(phone);
  expect(result.logged.final, result.errors).to.equal('200');
}

/** The called phone's user agent, waiting for an INVITE on its registered port. */
/** A suite's own SIPp scenario (a file path) and time limit instead of the plain phone's. */
export interface AgentOptions {
  scenarioPath?: string;
  timeoutSeconds?: number;
}

export function answerCalls(phone: Phone, scenarioName: string, answerDelayMs = 200, options: AgentOptions = {}): SippAgent {
  return new SippAgent({
    scenario: options.scenarioPath ?? scenario(scenarioName), localPort: phone.uasPort, keys: { rtp_port: phone.rtp.port }, pauseMs: answerDelayMs,
    timeoutSeconds: options.timeoutSeconds ?? 30,
  });
}

export async function placeCall(from: Phone, extension: string, holdMs = 3000, options: AgentOptions = {}): Promise<SippAgent> {
  return new SippAgent({
    scenario: options.scenarioPath ?? scenario('caller'),
    localPort: await freeUdpPort(),
    service: extension,
    authUser: from.device.sip.username,
    authPassword: from.device.sip.password,
    keys: { rtp_port: from.rtp.port, caller_user: from.device.sip.username },
    pauseMs: holdMs,
    timeoutSeconds: options.timeoutSeconds ?? 30,
  });
}
