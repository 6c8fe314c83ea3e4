/**
 * Webhook fixtures: a local receiver (plain HTTP on 127.0.0.1, which the test app's WEBHOOK_ALLOW_CIDRS lets
 * through the SSRF guard) whose answers a test scripts, and endpoints created through the API.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { TestApp } from '../../../../test/helpers.js';
import { DEFAULT_RETRY_POLICY } from '../../src/platform/webhooks/retry.js';
import { attemptDelivery } from '../../src/platform/webhooks/sender.js';
import { as, type Actor } from './http.js';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'reset';

export interface Receiver {
  url: (path: string) => string;
  received: Received[];
  /** How the receiver answers a request (default 200). */
  answer: (r: Received) => Answer;
  until(check: (received: Received[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: (p) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`,
    received,
    answer: () => ({ status: 200 }),
    async until(check, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!check(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: timed out with ${received.length} requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(r);
      const a = receiver.answer(r);
      if (a === 'hang') return;
      if (a === 'reset') return req.socket.destroy();
      res.writeHead(a.status, a.headers).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return receiver;
}

export async function createEndpoint(
  actor: Actor,
  url: string,
  eventTypes: string[] = ['*'],
): Promise<{ id: string; secret: string }> {
  const r = await as(actor, 'POST', '/api/v1/webhooks/endpoints', { json: { url, eventTypes, description: 'test' } });
  expect(r.status, r.text).toBe(201);
  return { id: r.body.id, secret: r.body.secret };
}

/** An endpoint of the actor's org and one delivery to it (a test ping). */
export async function webhookOf(actor: Actor): Promise<{ endpointId: string; deliveryId: string }> {
  const { id } = await createEndpoint(actor, 'https://hooks.example.com/akashic', ['campaigns.*']);
  const ping = await as(actor, 'POST', `/api/v1/webhooks/endpoints/${id}/test`);
  if (ping.status !== 202) throw new Error(`fixture: webhook ping: ${ping.status} ${ping.text}`);
  return { endpointId: id, deliveryId: ping.body.id };
}

/**
 * The same, with one attempt made and logged: the name resolves (by the test's resolver) to a loopback address the
 * SSRF guard refuses, so the attempt fails at once without leaving the machine.
 */
export async function attemptedWebhookOf(
  app: TestApp,
  actor: Actor,
): Promise<{ endpointId: string; deliveryId: string }> {
  const w = await webhookOf(actor);
  const { db, mailer, log, config } = app.platform.services;
  const kind = await attemptDelivery(
    { db, mailer, log },
    {
      serverSecret: config.secret,
      timeoutMs: 2000,
      allow: [],
      policy: DEFAULT_RETRY_POLICY,
      resolve: async () => ['127.0.0.1'],
    },
    actor.orgId,
    w.deliveryId,
  );
  if (kind !== 'retry') throw new Error(`fixture: webhook attempt: ${kind}`);
  return w;
}
