import { describe, expect, it } from 'vitest';
import { cookieValue, serializeCookie, setCookie } from '../src/http/cookies.js';

describe('cookies', () => {
  it('reads one cookie among many, ignoring names that only contain it', () => {
    const h = 'xakashic_session=no; akashic_session=abc-_123 ; other=1';
    expect(cookieValue(h, 'akashic_session')).toBe('abc-_123');
    expect(cookieValue(h, 'missing')).toBeUndefined();
    expect(cookieValue('akashic_session=', 'akashic_session')).toBeUndefined();
    expect(cookieValue(undefined, 'akashic_session')).toBeUndefined();
  });

  it('serializes the attributes a session cookie needs', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(serializeCookie('s', 'tok', { path: '/', expires, httpOnly: true, sameSite: 'Lax', secure: true })).toBe(
      's=tok; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; SameSite=Lax; Secure',
    );
    expect(serializeCookie('s', '', { path: '/', expires: new Date(0) })).toBe(
      's=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });

  it('refuses names and values that could inject attributes or headers', () => {
    const o = { path: '/', expires: new Date(0) };
    for (const v of ['a;b', 'a b', 'a,b', 'a"b', 'a\r\nSet-Cookie: x=1']) {
      expect(() => serializeCookie('s', v, o)).toThrow(TypeError);
    }
    expect(() => serializeCookie('s=x', 'v', o)).toThrow(TypeError);
  });

  it('adds to Set-Cookie headers already on the reply', () => {
    const headers: Record<string, unknown> = {};
    const reply = {
      header(k: string, v: unknown) {
        headers[k] = v;
        return this as never;
      },
      getHeader: (k: string) => headers[k] as string | undefined,
    };
    setCookie(reply, 'a=1');
    expect(headers['set-cookie']).toBe('a=1');
    setCookie(reply, 'b=2');
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });
});
