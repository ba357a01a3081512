// The one HTTP client the provider adapters share: Node's fetch, a deadline per request, and every failure
// turned into a ProviderError of the right kind. What the purchase job does next hangs on that kind: a
// connection refused or reset, a time-out, a 429 or a 5xx may succeed later (transient: retried with backoff);
// any other 4xx will not (permanent: the job fails for good). A request whose answer never arrived may still
// have been carried out: the adapters' "already mine?" lookup, not this client, makes a retry safe.
//
// Secrets travel only in the Authorization header, which no message here repeats; error messages carry the
// method, the path (never the query: it may carry numbers, never secrets, but stays short) and the provider's
// own error text.
import { ProviderError } from './provider';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Appended to the base URL ("/phone_numbers"), or a path from the provider itself (Twilio's next_page_uri). */
  path: string;
  /** Arrays repeat their key ("filter[features][]=sms&filter[features][]=voice"); undefined values are left out. */
  query?: Readonly<Record<string, QueryValue>>;
  json?: unknown;
  form?: Readonly<Record<string, string | undefined>>;
  headers?: Readonly<Record<string, string>>;
  /** Error statuses the caller handles itself (e.g. 404 on a release): returned instead of thrown. */
  accept?: readonly number[];
}

export interface ProviderResponse {
  status: number;
  /** The parsed JSON body; undefined when there was none (204). */
  body: unknown;
}

export interface ProviderHttpOptions {
  /** For messages: "Telnyx", "Twilio". */
  provider: string;
  baseUrl: string;
  timeoutMs: number;
  /** The Authorization header's value, read per request so that a secret rotated in the environment is used
   *  at once, and a missing one fails the request (permanently) rather than the adapter's construction. */
  authorization: () => string;
  /** The provider's own explanation in an error body, if it has one. */
  errorText: (body: unknown) => string | undefined;
}

export class ProviderHttpClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ProviderHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async request(request: ProviderRequest): Promise<ProviderResponse> {
    const what = `${this.options.provider} ${request.method} ${request.path.split('?')[0]}`;
    const response = await this.send(request, what);
    const body = await this.readBody(response, what);
    if (response.ok || request.accept?.includes(response.status)) return { status: response.status, body };
    const detail = this.options.errorText(body) ?? response.statusText;
    const message = `${what} answered ${response.status}: ${detail}`;
    const transient = response.status === 429 || response.status >= 500;
    throw new ProviderError(transient ? 'transient' : 'permanent', message, response.status);
  }

  private async send(request: ProviderRequest, what: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers, Authorization: this.authorization(what) };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = encode(request.form).toString();
    }
    try {
      return await fetch(this.url(request), { method: request.method, headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw new ProviderError('transient', `${what} failed: ${networkReason(error, this.options.timeoutMs)}`);
    }
  }

  private authorization(what: string): string {
    try {
      return this.options.authorization();
    } catch (error) {
      // Ops must set the secret: no retry will find it meanwhile.
      throw new ProviderError('permanent', `${what}: the API secret is not available (${(error as Error).message})`);
    }
  }

  private url(request: ProviderRequest): string {
    const query = request.query ? encode(request.query).toString() : '';
    const joiner = request.path.includes('?') ? '&' : '?';
    return `${this.baseUrl}${request.path}${query ? `${joiner}${query}` : ''}`;
  }

  /** A body cut off mid-way (the connection dropped, the deadline passed) is as transient as no answer. */
  private async readBody(response: Response, what: string): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ProviderError('transient', `${what} answered ${response.status} but the body was lost: ${networkReason(error, this.options.timeoutMs)}`, response.status);
    }
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A proxy's HTML error page in front of the API: the status decides; a 2xx that is not JSON is broken.
      if (!response.ok) return undefined;
      throw new ProviderError('transient', `${what} answered ${response.status} with a body that is not JSON`, response.status);
    }
  }
}

function encode(values: Readonly<Record<string, QueryValue>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  return params;
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
