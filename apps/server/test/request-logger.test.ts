/**
 * `req.log` made lazily (http/request-logger.ts): a request that logs nothing at an enabled level gets no pino child;
 * one that does logs with its request id, like the child Fastify would have made; children of it keep both bindings.
 */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLoggerFactory } from '../src/http/request-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: 'warn' }, stream) };
}

describe('request logger', () => {
  it('makes no child for a request that logs nothing at an enabled level, and logs with the request id when it does', async () => {
    const { lines, log } = capture();
    let children = 0;
    // Counted on every logger that inherits from this one (pino's children are made with Object.create).
    const child = log.child;
    (log as { child: unknown }).child = function (this: typeof log, ...a: Parameters<typeof log.child>) {
      children++;
      return child.apply(this, a);
    };
    const app = Fastify({ loggerInstance: log, childLoggerFactory: requestLoggerFactory, disableRequestLogging: true });
    app.get('/quiet', async (req) => {
      req.log.info('below the level');
      req.log.debug({ a: 1 }, 'below the level too');
      return { level: req.log.level };
    });
    app.get('/loud', async (req) => {
      req.log.warn({ detail: 'x' }, 'something to see');
      req.log.child({ step: 'inner' }).error('inner failure');
      return {};
    });
    await app.ready();
    const before = children;
    const quiet = await app.inject({ url: '/quiet', headers: { 'x-request-id': 'r-quiet' } });
    expect(quiet.json()).toEqual({ level: 'warn' });
    expect(children - before).toBe(0);
    expect(lines).toEqual([]);

    await app.inject({ url: '/loud' });
    const [warned, inner] = lines;
    expect(warned).toMatchObject({ level: 40, detail: 'x', msg: 'something to see', reqId: expect.any(String) });
    expect(inner).toMatchObject({ level: 50, step: 'inner', msg: 'inner failure', reqId: warned!.reqId });
    await app.close();
  });
});
