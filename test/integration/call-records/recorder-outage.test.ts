// The recorder is best effort: with MariaDB unreachable a flow's calls to it return at once and never throw; the
// changes wait in a bounded queue (the excess dropped with one warning) and are written when the database answers.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import { CallRecordWriter } from '../../../ari-app/calls/records';
import { loadConfig } from '../../../core/config';
import { openDatabase } from '../../../db/connection';
import { until } from '../../support/until';

function capturingLogger(): { logger: winston.Logger; messages: string[] } {
  const messages: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { messages.push(String(JSON.parse(chunk.toString()).message)); done(); } });
  return { logger: winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] }), messages };
}

describe('call recorder while the database is unreachable', function () {
  this.timeout(30_000);

  it('given MariaDB unreachable, when a flow records calls, then each call returns at once, the queue is bounded and nothing throws', async () => {
    const config = loadConfig();
    // Port 1: nothing listens, every connection attempt is refused, as when MariaDB is down.
    const down = openDatabase({ ...config.db, port: 1 }, config.db.app);
    const { logger, messages } = capturingLogger();
    const recorder = new CallRecordWriter(down, logger, { maxQueued: 20, retryMs: 200 });
    try {
      const started = process.hrtime.bigint();
      for (let index = 0; index < 10; index += 1) {
        const callId = randomUUID();
        recorder.callStarted({ callId, accountId: 1, direction: 'internal', channelId: `c-${callId}`, from: { number: '401' }, to: '402', path: [{ type: 'extension', extension: '402' }] });
        recorder.legStarted(callId, { channelId: `${callId}-0`, kind: 'device', endpointId: 'nowhere' });
        recorder.callEnded(callId, 'no_answer', 'caller hung up while ringing');
      }
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(elapsedMs, '30 changes queued without waiting for the database').to.be.below(50);
      await until('the outage is logged', () => messages.includes('database unavailable; call records wait in memory'));
      expect(messages.filter((message) => message === 'call record queue full; dropping changes until it drains')).to.have.length(1);
      await recorder.flush(500);
      expect(messages).to.include('call record changes not written at shutdown');
    } finally {
      await down.destroy();
    }
  });
});
