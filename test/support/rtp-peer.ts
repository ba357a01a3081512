// A minimal RTP endpoint for a SIPp party: it listens on the port the party's SDP advertises, counts what
// Asterisk sends it, and sends G.711 A-law packets (20 ms each) carrying a recognisable byte pattern, so a
// test can prove that audio went from one phone to the other, in both directions.
import dgram from 'node:dgram';

export class RtpPeer {
  private readonly socket = dgram.createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;
  private sequence = Math.floor(Math.random() * 1000);
  private timestamp = Math.floor(Math.random() * 100000);
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);
  received = 0;
  /** Packets whose audio carried the pattern byte given to expectPattern(). */
  receivedWithPattern = 0;
  private expectedByte: number | undefined;

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.socket.on('message', (packet) => {
      if (packet.length < 12 || (packet[0]! & 0xc0) !== 0x80) return;
      this.received += 1;
      const payload = packet.subarray(12);
      if (this.expectedByte !== undefined && payload.length > 0 && payload.every((byte) => byte === this.expectedByte)) {
        this.receivedWithPattern += 1;
      }
    });
    await new Promise<void>((resolve, reject) => this.socket.bind(this.port, '127.0.0.1', resolve).once('error', reject));
  }

  expectPattern(byte: number): void {
    this.expectedByte = byte;
  }

  sendTo(host: string, port: number, patternByte: number): void {
    const payload = Buffer.alloc(160, patternByte);
    this.timer = setInterval(() => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 8; // PCMA
      header.writeUInt16BE(this.sequence++ & 0xffff, 2);
      header.writeUInt32BE(this.timestamp >>> 0, 4);
      header.writeUInt32BE(this.ssrc >>> 0, 8);
      this.timestamp += 160;
      this.socket.send(Buffer.concat([header, payload]), port, host);
    }, 20);
  }

  /** The phone goes silent (or vanished): nothing more is sent, what arrives is still counted. */
  stopSending(): void {
    clearInterval(this.timer);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}
