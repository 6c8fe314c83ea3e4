import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../src/index.js';

// The published test vector of the Standard Webhooks specification.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const OTHER_SECRET = 'whsec_' + btoa('another key of at least 24 bytes!');

const headers = (signature = SIGNATURE, timestamp = String(TIMESTAMP)) => ({
  'webhook-id': ID,
  'webhook-timestamp': timestamp,
  'webhook-signature': signature,
});
const at = { now: TIMESTAMP };

async function refusal(promise: Promise<void>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookVerificationError);
  return (err as Error).message;
}

describe('verifyWebhook', () => {
  it('accepts the specification’s test vector', async () => {
    await expect(verifyWebhook(SECRET, headers(), BODY, at)).resolves.toBeUndefined();
  });

  it('accepts the body as bytes, a Headers object and differently cased header names', async () => {
    const bytes = new TextEncoder().encode(BODY);
    await verifyWebhook(SECRET, new Headers(headers()), bytes, at);
    await verifyWebhook(
      SECRET,
      { 'Webhook-Id': ID, 'WEBHOOK-TIMESTAMP': String(TIMESTAMP), 'webhook-signature': SIGNATURE },
      bytes.buffer,
      at,
    );
  });

  it('accepts any one matching signature of several, and any one of several secrets (rotation)', async () => {
    await verifyWebhook(SECRET, headers(`v1,${btoa('x'.repeat(32))} v2,whatever ${SIGNATURE}`), BODY, at);
    await verifyWebhook([OTHER_SECRET, SECRET], headers(), BODY, at);
  });

  it('refuses a changed body, id or timestamp, and another secret', async () => {
    expect(await refusal(verifyWebhook(SECRET, headers(), '{"test": 2432232315}', at))).toBe('no matching signature');
    expect(await refusal(verifyWebhook(SECRET, { ...headers(), 'webhook-id': 'msg_other' }, BODY, at))).toBe(
      'no matching signature',
    );
    const later = String(TIMESTAMP + 1);
    expect(await refusal(verifyWebhook(SECRET, headers(SIGNATURE, later), BODY, at))).toBe('no matching signature');
    expect(await refusal(verifyWebhook(OTHER_SECRET, headers(), BODY, at))).toBe('no matching signature');
  });

  it('refuses signatures of another scheme or not base64, and missing headers', async () => {
    const v2 = SIGNATURE.replace('v1,', 'v2,');
    expect(await refusal(verifyWebhook(SECRET, headers(v2), BODY, at))).toBe('no matching signature');
    expect(await refusal(verifyWebhook(SECRET, headers('v1,%%%not-base64'), BODY, at))).toBe('no matching signature');
    expect(await refusal(verifyWebhook(SECRET, { 'webhook-id': ID }, BODY, at))).toBe('missing webhook headers');
  });

  it('refuses timestamps outside the tolerance, either way, and malformed ones', async () => {
    const tolerance = { toleranceS: 300 };
    await verifyWebhook(SECRET, headers(), BODY, { now: TIMESTAMP + 300, ...tolerance });
    await verifyWebhook(SECRET, headers(), BODY, { now: TIMESTAMP - 300, ...tolerance });
    for (const now of [TIMESTAMP + 301, TIMESTAMP - 301]) {
      expect(await refusal(verifyWebhook(SECRET, headers(), BODY, { now, ...tolerance }))).toBe(
        'webhook-timestamp outside the tolerance',
      );
    }
    // The default tolerance is five minutes of the clock.
    expect(await refusal(verifyWebhook(SECRET, headers(), BODY))).toBe('webhook-timestamp outside the tolerance');
    expect(await refusal(verifyWebhook(SECRET, headers(SIGNATURE, '1614265330.5'), BODY, at))).toBe(
      'invalid webhook-timestamp',
    );
  });

  it('refuses an unusable secret', async () => {
    expect(await refusal(verifyWebhook('whsec_', headers(), BODY, at))).toBe('invalid signing secret');
  });
});
