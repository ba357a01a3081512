// Trunks in test fixtures: written and removed through TrunkService (so Asterisk drops a removed trunk's
// registration too), acting as a command would (admin-api/system-scope.ts).
import type { TrunkService, TrunkWrite } from '../../admin-api/trunks/service';
import { systemScope } from '../../admin-api/system-scope';
import { createLogger } from '../../core/logger';

const scope = systemScope('test-fixture', createLogger('test-fixture', process.env.TEST_LOG_LEVEL ?? 'error'));

export function putTrunk(trunks: TrunkService, write: TrunkWrite): ReturnType<TrunkService['put']> {
  return trunks.put(scope, write);
}

/** A test's cleanup: the trunk goes whichever path (a file or the API) made it. */
export async function removeTrunk(trunks: TrunkService, name: string): Promise<void> {
  const trunk = await trunks.find(scope, name);
  if (trunk) await trunks.remove(scope, name, trunk.source);
}
