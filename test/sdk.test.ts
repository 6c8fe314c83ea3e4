/**
 * The SDK against the server it talks to: its generated half must be what the current route declarations
 * produce (and the committed OpenAPI snapshot the same document), and its webhook verifier must accept what the
 * server's signer sends — both sides run here, so they cannot drift apart unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signature, signWebhook } from '../apps/server/src/platform/webhooks/signature.js';
import { verifyWebhook, WebhookVerificationError } from '../packages/sdk/src/index.js';
import { generatedFiles, staleFiles } from '../scripts/openapi/document.js';

describe('generated files', () => {
  it('are what the current routes generate (else run `npm run sdk:generate`)', async () => {
    expect(await staleFiles(await generatedFiles())).toEqual([]);
  });
});

describe('webhook signatures: server signer, SDK verifier', () => {
  const body = JSON.stringify({ type: 'campaign.updated', data: { name: 'Zoë’s “run” ✓' } });
  const now = 1_700_000_000;

  it('the server reproduces the specification’s test vector', () => {
    expect(
      signature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies what the server signs with a secret it generates, body as text or bytes', async () => {
    const secret = newWebhookSecret();
    const headers = signWebhook([secret], 'msg_1', body, now);
    await verifyWebhook(secret, headers, body, { now });
    await verifyWebhook(secret, new Headers({ ...headers }), Buffer.from(body), { now });
  });

  it('verifies during rotation with either secret, and refuses a third', async () => {
    const [current, previous, other] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    const headers = signWebhook([current, previous], 'msg_2', Buffer.from(body), now);
    await verifyWebhook(current, headers, body, { now });
    await verifyWebhook(previous, headers, body, { now });
    await expect(verifyWebhook(other, headers, body, { now })).rejects.toThrow(WebhookVerificationError);
  });

  it('refuses what the server signed once the body changes', async () => {
    const secret = newWebhookSecret();
    const headers = signWebhook([secret], 'msg_3', body, now);
    await expect(verifyWebhook(secret, headers, body.replace('Zoë', 'Zoe'), { now })).rejects.toThrow(
      'no matching signature',
    );
  });
});
