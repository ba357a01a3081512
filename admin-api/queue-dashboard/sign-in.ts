// The queue dashboard's sign-in for browsers: a page with one field (a token), the form's body, the cookie.
import type { Request } from 'express';

/** A cookie of the request by name (no cookie parser in this API: this router is its only reader). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      const value = decodeURIComponent(part.slice(separator + 1).trim());
      return value === '' ? undefined : value;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The token field of an HTML form post. The API keeps bodies of types other than JSON and CSV as bytes
 *  (admin-api/http/app.ts), so the form arrives as a Buffer of application/x-www-form-urlencoded text. */
export function tokenFromForm(body: unknown): string | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  const token = text === undefined ? undefined : new URLSearchParams(text).get('token')?.trim();
  return token ? token : undefined;
}

export function signInPage(action: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>PBX jobs: sign in</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; margin: .5rem 0 1rem; font: inherit; }
  button { padding: .5rem 1rem; font: inherit; }
  p { color: #555; font-size: .9rem; }
</style>
</head>
<body>
<h1>PBX jobs</h1>
<p>For platform operators. Paste a session token (POST /v1/auth/login) or an API key of yours.</p>
<form method="post" action="${action}">
  <label for="token">Token</label>
  <input id="token" name="token" type="password" autocomplete="off" required>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}
