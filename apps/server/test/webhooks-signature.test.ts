import { describe, expect, it } from 'vitest';
import {
  newWebhookSecret,
  signature,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
} from '../src/platform/webhooks/signature.js';

// The test vector published with the Standard Webhooks specification and its reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification’s test vector', () => {
    expect(signature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(signWebhook([VECTOR.secret], VECTOR.id, VECTOR.body, VECTOR.timestamp)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('verifies the test vector, and refuses it once any part changes', () => {
    const headers = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    };
    const now = VECTOR.timestamp + 10;
    expect(() => verifyWebhook([VECTOR.secret], headers, VECTOR.body, { now })).not.toThrow();
    expect(() => verifyWebhook([VECTOR.secret], headers, Buffer.from(VECTOR.body), { now })).not.toThrow();
    const refused = [
      [[VECTOR.secret], { ...headers, 'webhook-id': 'msg_other' }, VECTOR.body],
      [[VECTOR.secret], { ...headers, 'webhook-timestamp': String(VECTOR.timestamp + 1) }, VECTOR.body],
      [[VECTOR.secret], headers, '{"test": 2432232315}'],
      [[newWebhookSecret()], headers, VECTOR.body],
      [[VECTOR.secret], { ...headers, 'webhook-signature': 'v1,' }, VECTOR.body],
      [[VECTOR.secret], { ...headers, 'webhook-signature': VECTOR.signature.replace('v1,', 'v2,') }, VECTOR.body],
      [[VECTOR.secret], { ...headers, 'webhook-signature': undefined }, VECTOR.body],
    ] as const;
    for (const [secrets, h, body] of refused) {
      expect(() => verifyWebhook(secrets, h, body, { now }), JSON.stringify(h)).toThrow(WebhookVerificationError);
    }
  });

  it('refuses timestamps outside the tolerance, either way', () => {
    const id = 'msg_1';
    const body = '{}';
    const secret = newWebhookSecret();
    const h = signWebhook([secret], id, body, 1_000_000);
    expect(() => verifyWebhook([secret], h, body, { now: 1_000_000 + 300 })).not.toThrow();
    expect(() => verifyWebhook([secret], h, body, { now: 1_000_000 - 300 })).not.toThrow();
    expect(() => verifyWebhook([secret], h, body, { now: 1_000_000 + 301 })).toThrow('tolerance');
    expect(() => verifyWebhook([secret], h, body, { now: 1_000_000 - 301 })).toThrow('tolerance');
    expect(() => verifyWebhook([secret], h, body, { now: 1_000_000 + 900, toleranceS: 1000 })).not.toThrow();
    expect(() => verifyWebhook([secret], { ...h, 'webhook-timestamp': '1e6' }, body, { now: 1_000_000 })).toThrow(
      'invalid',
    );
  });

  it('signs with both secrets during a rotation, so a receiver holding either one accepts', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"type":"campaigns.campaign.created"}';
    const h = signWebhook([current, previous], 'msg_rot', body);
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => verifyWebhook([previous], h, body)).not.toThrow();
    expect(() => verifyWebhook([current], h, body)).not.toThrow();
    expect(() => verifyWebhook([newWebhookSecret()], h, body)).toThrow(WebhookVerificationError);
    // A receiver that has both secrets configured accepts a delivery signed with only the new one.
    expect(() => verifyWebhook([previous, current], signWebhook([current], 'msg_new', body), body)).not.toThrow();
  });

  it('makes secrets of the spec’s form', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(() => signWebhook([], 'x', '')).toThrow(WebhookVerificationError);
  });
});
