import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SealedSecretError } from '../src/platform/crypto.js';

const SECRET = 'server-secret-'.padEnd(40, 'x');

describe('sealed secrets', () => {
  it('opens what it sealed, and seals the same value differently each time', () => {
    const sealed = sealSecret(SECRET, 'ai-provider-key', 'sk-live-123 ✓', 'org-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('sk-live');
    expect(openSecret(SECRET, 'ai-provider-key', sealed, 'org-1')).toBe('sk-live-123 ✓');
    expect(sealSecret(SECRET, 'ai-provider-key', 'sk-live-123 ✓', 'org-1')).not.toBe(sealed);
    expect(openSecret(SECRET, 'p', sealSecret(SECRET, 'p', ''))).toBe('');
  });

  it('does not open under another server secret, purpose or context, nor once altered', () => {
    const sealed = sealSecret(SECRET, 'ai-provider-key', 'sk-live-123', 'org-1');
    const attempts = [
      () => openSecret(SECRET.replace('x', 'y'), 'ai-provider-key', sealed, 'org-1'),
      () => openSecret(SECRET, 'webhook-secret', sealed, 'org-1'),
      () => openSecret(SECRET, 'ai-provider-key', sealed, 'org-2'),
      () => openSecret(SECRET, 'ai-provider-key', sealed),
      () =>
        openSecret(
          SECRET,
          'ai-provider-key',
          sealed.slice(0, 10) + (sealed[10] === 'A' ? 'B' : 'A') + sealed.slice(11),
          'org-1',
        ),
      () => openSecret(SECRET, 'ai-provider-key', 'v1.short', 'org-1'),
      () => openSecret(SECRET, 'ai-provider-key', 'sk-live-123', 'org-1'),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(SealedSecretError);
  });
});
