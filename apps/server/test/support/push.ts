/**
 * A browser's side of web push, for tests: subscription keys as `PushSubscription.toJSON()` gives them, and a real
 * push service peer on local HTTPS (a self-signed certificate made with openssl) that checks what RFC 8292 and
 * RFC 8291 ask of the application server — the VAPID JWT's ES256 signature under the key in `k`, its audience and
 * expiry, the TTL and content coding — and decrypts each message with the subscription's private key.
 */
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface BrowserSubscription {
  /** What the browser sends the server. */
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** What only the browser knows: its ECDH key pair. */
  ecdh: ECDH;
  authSecret: Buffer;
}

/** A new browser subscription to `endpoint`. */
export function browserSubscription(endpoint: string): BrowserSubscription {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    json: {
      endpoint,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
    },
    ecdh,
    authSecret,
  };
}

/** RFC 8291 §3.4 and RFC 8188 decryption of one `aes128gcm` push message body (single record). */
export function decryptPushMessage(body: Buffer, sub: { ecdh: ECDH; authSecret: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error(`record of ${record.length} bytes exceeds rs ${rs}`);
  const uaPublic = sub.ecdh.getPublicKey();
  const ecdhSecret = sub.ecdh.computeSecret(asPublic);
  const h = (ikm: Buffer, s: Buffer, info: string | Buffer, len: number) =>
    Buffer.from(hkdfSync('sha256', ikm, s, typeof info === 'string' ? Buffer.from(info, 'ascii') : info, len));
  const ikm = h(ecdhSecret, sub.authSecret, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]), 32);
  const cek = h(ikm, salt, 'Content-Encoding: aes128gcm\0', 16);
  const nonce = h(ikm, salt, 'Content-Encoding: nonce\0', 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 0x02) throw new Error('missing last-record delimiter');
  return padded.subarray(0, end);
}

export interface ReceivedPush {
  token: string;
  headers: Record<string, string | undefined>;
  /** The decrypted payload, parsed. */
  payload: unknown;
  /** VAPID claims, verified. */
  claims: { aud: string; exp: number; sub: string };
  vapidKey: string;
  at: number;
}

export interface PushService {
  /** `https://localhost:<port>`. */
  origin: string;
  ca: string;
  received: ReceivedPush[];
  /** Refusals (bad VAPID, bad encryption…), each with why. */
  rejected: string[];
  /** A new browser subscribed at this service. */
  subscribe(): BrowserSubscription;
  /** Answer the next requests for a subscription with these statuses (then 201 again). */
  answer(sub: BrowserSubscription, ...replies: Array<{ status: number; headers?: Record<string, string> }>): void;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-push-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const ca = readFileSync(cert, 'utf8');
  const subs = new Map<string, BrowserSubscription>();
  const scripted = new Map<string, Array<{ status: number; headers?: Record<string, string> }>>();
  const received: ReceivedPush[] = [];
  const rejected: string[] = [];

  const server = https.createServer({ key: readFileSync(key), cert: ca }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reject = (status: number, why: string) => {
        rejected.push(why);
        res.writeHead(status).end(why);
      };
      const token = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
      const sub = token ? subs.get(token) : undefined;
      if (!token || !sub || req.method !== 'POST') return reject(404, 'no such subscription');
      const next = scripted.get(token)?.shift();
      if (next) {
        res.writeHead(next.status, next.headers).end();
        return;
      }
      const h = req.headers;
      const header1 = (name: string) => {
        const v = h[name];
        return Array.isArray(v) ? v.join(', ') : v;
      };
      const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(h.authorization ?? '');
      if (!auth) return reject(401, 'no VAPID authorization');
      const [, jwt, k] = auth as unknown as [string, string, string];
      const [head, claimsPart, sig] = jwt.split('.') as [string, string, string];
      const header = JSON.parse(Buffer.from(head, 'base64url').toString());
      if (header.alg !== 'ES256' || header.typ !== 'JWT')
        return reject(401, `bad JWT header ${JSON.stringify(header)}`);
      const point = Buffer.from(k, 'base64url');
      const publicKey = createPublicKey({
        format: 'jwk',
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: point.subarray(1, 33).toString('base64url'),
          y: point.subarray(33).toString('base64url'),
        },
      });
      const ok = verify(
        'sha256',
        Buffer.from(`${head}.${claimsPart}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(sig, 'base64url'),
      );
      if (!ok) return reject(403, 'VAPID signature does not verify');
      const claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString());
      const now = Math.floor(Date.now() / 1000);
      if (claims.aud !== origin) return reject(403, `aud ${claims.aud} is not ${origin}`);
      if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) return reject(403, `exp ${claims.exp} not within 24 h`);
      if (!/^(mailto:|https:)/.test(claims.sub ?? '')) return reject(403, `sub ${claims.sub}`);
      if (h['content-encoding'] !== 'aes128gcm') return reject(415, `content-encoding ${h['content-encoding']}`);
      if (!/^\d+$/.test(header1('ttl') ?? '')) return reject(400, 'no TTL');
      let payload: unknown;
      try {
        payload = JSON.parse(decryptPushMessage(Buffer.concat(chunks), sub).toString('utf8'));
      } catch (err) {
        return reject(400, `cannot decrypt: ${(err as Error).message}`);
      }
      received.push({
        token,
        headers: { ttl: header1('ttl'), urgency: header1('urgency'), topic: header1('topic') },
        payload,
        claims,
        vapidKey: k,
        at: Date.now(),
      });
      res.writeHead(201, { location: `/message/${received.length}` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    ca,
    received,
    rejected,
    subscribe() {
      const token = randomBytes(12).toString('base64url');
      const sub = browserSubscription(`${origin}/push/${token}`);
      subs.set(token, sub);
      return sub;
    },
    answer(sub, ...replies) {
      const token = sub.json.endpoint.split('/').pop()!;
      scripted.set(token, [...(scripted.get(token) ?? []), ...replies]);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
