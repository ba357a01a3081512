// A user's devices present the user's full name and extension as their caller ID. When either changes, the
// ps_endpoints rows are rewritten in the change's transaction (refreshUserCallerIds) and, after commit, each
// account's change event makes the ARI app expire Asterisk's cached endpoints (and its ringing cache).
import type { ChangeNotifier } from '../notifier';

export async function publishCallerIdChanges(notifier: ChangeNotifier, byAccount: Map<number, string[]>): Promise<void> {
  for (const [accountId, endpointIds] of byAccount) await notifier.devicesChanged(accountId, endpointIds);
}
