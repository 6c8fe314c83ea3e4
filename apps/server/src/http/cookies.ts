/**
 * The one cookie the server deals in (the session), read and written without a plugin: a plugin would parse every
 * request's cookies and add an onSend hook to every response, for a header a handful of routes set.
 */
import type { FastifyReply } from 'fastify';

/** One cookie's value from a Cookie header (our session token is base64url: no decoding needed). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export interface CookieOptions {
  path: string;
  expires: Date;
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict';
  secure?: boolean;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/; // RFC 6265 cookie-name (an HTTP token)
const VALUE = /^[A-Za-z0-9!#$%&'()*+./:<=>?@[\]^_`{|}~-]*$/; // cookie-octets, no quotes, commas, semicolons, spaces

/** A Set-Cookie header value (RFC 6265 §4.1). Refuses names and values that would need escaping. */
export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name ${JSON.stringify(name)}`);
  if (!VALUE.test(value)) throw new TypeError(`invalid value for cookie ${name}`);
  let s = `${name}=${value}; Path=${o.path}; Expires=${o.expires.toUTCString()}`;
  if (o.httpOnly) s += '; HttpOnly';
  if (o.sameSite) s += `; SameSite=${o.sameSite}`;
  if (o.secure) s += '; Secure';
  return s;
}

/** Adds a Set-Cookie header to the reply (keeping any already set). */
export function setCookie(reply: Pick<FastifyReply, 'header' | 'getHeader'>, cookie: string): void {
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header('set-cookie', list.length ? [...list, cookie] : cookie);
}
