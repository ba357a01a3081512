// Free loopback UDP ports for SIPp instances and RTP peers: asked of the kernel, so parallel runs never clash.
import dgram from 'node:dgram';

export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.bind(0, '127.0.0.1', resolve).once('error', reject));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** An even port with its odd neighbour free too (RTP and RTCP). */
export async function freeRtpPort(): Promise<number> {
  for (;;) {
    const port = await freeUdpPort();
    if (port % 2 === 0 && port < 65534) return port;
  }
}
