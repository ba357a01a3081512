// A deadlock's victim is run once more; contention that remains becomes the caller's conflict error, never a 500.
import { expect } from 'chai';
import { retryOnDeadlock } from '../../db/deadlock';

const mariadbError = (code: string): Error => Object.assign(new Error(code), { code });
const conflict = (): Error => new Error('conflict');

describe('retryOnDeadlock', () => {
  it('given a transaction chosen as a deadlock victim once, when retried, then the second run answers', async () => {
    let runs = 0;
    const result = await retryOnDeadlock(async () => {
      runs += 1;
      if (runs === 1) throw mariadbError('ER_LOCK_DEADLOCK');
      return 'done';
    }, conflict);
    expect({ result, runs }).to.deep.equal({ result: 'done', runs: 2 });
  });

  it('given a transaction that deadlocks twice, when run, then the conflict error is thrown', async () => {
    let runs = 0;
    const failure = await retryOnDeadlock(async () => {
      runs += 1;
      throw mariadbError('ER_LOCK_DEADLOCK');
    }, conflict).catch((error: Error) => error);
    expect({ message: (failure as Error).message, runs }).to.deep.equal({ message: 'conflict', runs: 2 });
  });

  it('given a lock wait timeout, when run, then it becomes the conflict error without a second run', async () => {
    let runs = 0;
    const failure = await retryOnDeadlock(async () => {
      runs += 1;
      throw mariadbError('ER_LOCK_WAIT_TIMEOUT');
    }, conflict).catch((error: Error) => error);
    expect({ message: (failure as Error).message, runs }).to.deep.equal({ message: 'conflict', runs: 1 });
  });

  it('given any other error, when run, then it passes through unchanged and is not retried', async () => {
    let runs = 0;
    const original = new Error('not a lock');
    const failure = await retryOnDeadlock(async () => {
      runs += 1;
      throw original;
    }, conflict).catch((error: Error) => error);
    expect({ same: failure === original, runs }).to.deep.equal({ same: true, runs: 1 });
  });
});
