/**
 * Shutdown never hangs on a client: a request still under way when the server closes (here, one whose body never
 * finishes arriving) gets SHUTDOWN_GRACE_MS, then its connection is closed and the shutdown completes.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/helpers.js';

describe('shutdown', () => {
  it('closes a connection still under way once the grace period is over', async () => {
    const app = await startTestApp({ SHUTDOWN_GRACE_MS: '300' });
    const req = request(`${app.url}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000' },
    });
    const ended = new Promise<string>((resolve) => {
      req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
      req.on('response', () => resolve('answered'));
    });
    req.write('{"email":');
    // The server has the request (and is reading its body) before it is told to close.
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await app.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(15_000);
    expect(await ended).toBe('ECONNRESET');
  });
});
