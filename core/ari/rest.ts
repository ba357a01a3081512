// ARI's REST half, over Node's own HTTP client with keep-alive. ari-client carries the event stream (see
// connection.ts); its REST calls turn every HTTP error into an untyped Error and lose the status, and a 404
// (the channel is already gone: the caller hung up) must be told apart from a real failure.
import type { ChannelSnapshot } from './events';

export type HangupReason =
  | 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated'
  | 'normal_unspecified' | 'failure' | 'answered_elsewhere';

export class AriError extends Error {
  constructor(readonly status: number, readonly operation: string, detail: string) {
    super(`ARI ${operation} failed with ${status}: ${detail}`);
  }
}

/** 404: the channel or bridge no longer exists; 409/422: it is not in a state for this (e.g. already leaving). */
export function isGone(error: unknown): boolean {
  return error instanceof AriError && (error.status === 404 || error.status === 409 || error.status === 422);
}

export interface AriRestOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** Every request is bounded: a stuck Asterisk must not hold a call's flow forever. */
  timeoutMs?: number;
}

export interface EndpointSnapshot {
  technology: string;
  resource: string;
  state?: 'online' | 'offline' | 'unknown';
  channel_ids: string[];
}

type Query = Record<string, string | number | boolean | undefined>;

export class AriRest {
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: AriRestOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  private async request<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const url = new URL(`/ari${path}`, this.options.baseUrl);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const response = await fetch(url, {
      method,
      headers: { authorization: this.authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new AriError(response.status, `${method} ${path}`, text.slice(0, 200));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  createChannel(params: { endpoint: string; app: string; appArgs: string; channelId?: string; originator?: string; variables?: Record<string, string> }): Promise<ChannelSnapshot> {
    const { variables, ...query } = params;
    return this.request('POST', '/channels/create', query, variables ? { variables } : undefined);
  }

  dial(channelId: string, params: { caller?: string; timeout?: number }): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/dial`, params);
  }

  ring(channelId: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/ring`);
  }

  /** Early media (SIP 183) without answering: what an announcement before a failure needs. */
  progress(channelId: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/progress`);
  }

  /** Plays media (e.g. `sound:ss-noservice`) on a channel; the playback's id is returned. */
  play(channelId: string, media: string, playbackId?: string): Promise<{ id: string }> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/play`, { media, playbackId });
  }

  /** A playback still under way; a 404 (AriError) once it finished. */
  getPlayback(playbackId: string): Promise<{ id: string; state: string }> {
    return this.request('GET', `/playbacks/${encodeURIComponent(playbackId)}`);
  }

  answer(channelId: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/answer`);
  }

  hangup(channelId: string, reason: HangupReason | { code: number } = 'normal'): Promise<void> {
    const query = typeof reason === 'string' ? { reason } : { reason_code: reason.code };
    return this.request('DELETE', `/channels/${encodeURIComponent(channelId)}`, query);
  }

  /** The channel leaves Stasis (a StasisEnd follows) and goes on in the dialplan at context,extension,priority. */
  continueInDialplan(channelId: string, params: { context: string; extension: string; priority?: number }): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/continue`, { priority: 1, ...params });
  }

  setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.request('POST', `/channels/${encodeURIComponent(channelId)}/variable`, { variable, value });
  }

  getVariable(channelId: string, variable: string): Promise<{ value: string }> {
    return this.request('GET', `/channels/${encodeURIComponent(channelId)}/variable`, { variable });
  }

  listChannels(): Promise<ChannelSnapshot[]> {
    return this.request('GET', '/channels');
  }

  createBridge(params: { bridgeId?: string; type: string; name?: string }): Promise<{ id: string }> {
    return this.request('POST', '/bridges', params);
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: channelIds.join(',') });
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.request('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`);
  }

  listBridges(): Promise<{ id: string; channels: string[]; name: string }[]> {
    return this.request('GET', '/bridges');
  }

  /** PJSIP endpoints as Asterisk sees them: state "online" once a contact of theirs is reachable. */
  async listEndpoints(technology = 'PJSIP'): Promise<EndpointSnapshot[]> {
    try {
      return await this.request<EndpointSnapshot[]>('GET', `/endpoints/${encodeURIComponent(technology)}`);
    } catch (error) {
      // Asterisk answers 404 "No Endpoints found - invalid tech PJSIP" while it has loaded no endpoint of the
      // technology yet (realtime endpoints load on first use, e.g. right after a restart): none, not an outage.
      if (error instanceof AriError && error.status === 404) return [];
      throw error;
    }
  }

  getEndpoint(technology: string, resource: string): Promise<EndpointSnapshot> {
    return this.request('GET', `/endpoints/${encodeURIComponent(technology)}/${encodeURIComponent(resource)}`);
  }

  reloadModule(moduleName: string): Promise<void> {
    return this.request('PUT', `/asterisk/modules/${encodeURIComponent(moduleName)}`);
  }

  /** Asterisk sends the application only these event types (Asterisk 18+): every other event it would build,
   *  serialize and send per call (caller-ID, dialplan, bridge, variable changes) costs both sides for nothing. */
  setEventFilter(app: string, types: Iterable<string>): Promise<void> {
    return this.request('PUT', `/applications/${encodeURIComponent(app)}/eventFilter`, {}, { allowed: [...types].map((type) => ({ type })) });
  }
}
