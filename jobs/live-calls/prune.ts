// Connected calls are recorded in Redis so a restarted ARI app can adopt them. When the ARI app stays down,
// nobody reconciles: this job drops the records whose channels Asterisk no longer has. Idempotent.
import type { AriRest } from '../../core/ari/rest';
import type { LiveCallStore } from '../../core/live-calls';

export async function pruneLiveCalls(deps: { ari: AriRest; liveCalls: LiveCallStore }): Promise<{ pruned: string[] }> {
  const calls = await deps.liveCalls.all();
  if (calls.length === 0) return { pruned: [] };
  const existing = new Set((await deps.ari.listChannels()).map((channel) => channel.id));
  const stale = calls.filter((call) => call.channelIds.every((id) => !existing.has(id)));
  for (const call of stale) await deps.liveCalls.remove(call.callId);
  return { pruned: stale.map((call) => call.callId) };
}
