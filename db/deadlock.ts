// InnoDB resolves a deadlock by rolling one transaction back (ER_LOCK_DEADLOCK). The victim did nothing wrong:
// running it again, once the other has committed, normally succeeds. A second failure, or a lock wait that timed
// out, is reported through `contended` so callers answer with a conflict rather than an unexplained 500.
const DEADLOCK = 'ER_LOCK_DEADLOCK';
const LOCK_WAIT_TIMEOUT = 'ER_LOCK_WAIT_TIMEOUT';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export function isLockContention(error: unknown): boolean {
  const code = errorCode(error);
  return code === DEADLOCK || code === LOCK_WAIT_TIMEOUT;
}

/** Runs `transaction`, again once if it was a deadlock's victim; contention that remains becomes `contended()`. */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>, contended: (cause: unknown) => Error): Promise<T> {
  try {
    return await transaction();
  } catch (error) {
    if (errorCode(error) !== DEADLOCK) throw isLockContention(error) ? contended(error) : error;
  }
  try {
    return await transaction();
  } catch (error) {
    throw isLockContention(error) ? contended(error) : error;
  }
}
