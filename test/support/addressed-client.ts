// An API client whose connections leave from a chosen local address: on loopback every 127.0.0.x is this
// machine, so tests can log in "from" different clients, optionally claiming another one in X-Forwarded-For.
import http from 'node:http';
import { ApiClient, type ApiResponse } from './admin-api';

export class AddressedClient extends ApiClient {
  constructor(base: string, readonly localAddress: string, readonly extraHeaders: Record<string, string> = {}, token?: string) {
    super(base, token);
  }

  override as(token: string): AddressedClient {
    return new AddressedClient(this.base, this.localAddress, this.extraHeaders, token);
  }

  /** The same client sending these headers as well (e.g. a spoofed X-Forwarded-For). */
  withHeaders(headers: Record<string, string>): AddressedClient {
    return new AddressedClient(this.base, this.localAddress, { ...this.extraHeaders, ...headers }, this.token);
  }

  override request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { ...this.extraHeaders };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (payload !== undefined) Object.assign(headers, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)) });
    return new Promise((resolve, reject) => {
      // agent: false: a fresh connection each time, so no pooled socket from another address is reused.
      const request = http.request(`${this.base}${path}`, { method, headers, localAddress: this.localAddress, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({ status: response.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T, headers: received });
        });
      });
      request.on('error', reject);
      request.end(payload);
    });
  }
}

/** Forgets the failed-attempt counters of these addresses (kept 15 minutes), so a re-run starts clean. */
export async function clearAddressCounters(redis: { del(...keys: string[]): Promise<number> }, addresses: string[]): Promise<void> {
  if (addresses.length > 0) await redis.del(...addresses.map((address) => `pbx:login-failures:address:${address}`));
}
