/**
 * Changes recorded on the device are validated there with the server's own schema, and a mistake reads like the
 * REST route's problem+json: 400, `validation_failed`, each field named (so forms show it next to the input).
 */
import { RsvpBody } from '@akashic/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api.js';
import { checkLocally } from '../src/pages/campaigns/field/local-check.js';

describe('checkLocally', () => {
  it('returns the parsed value when it is valid', () => {
    expect(checkLocally(RsvpBody, { name: 'Ann', email: 'ann@example.org', response: 'yes' })).toEqual({
      name: 'Ann',
      email: 'ann@example.org',
      response: 'yes',
    });
  });

  it('throws the problem a REST route would answer, naming each field', () => {
    let thrown: unknown;
    try {
      checkLocally(RsvpBody, { name: 'Ann', response: 'perhaps' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const e = thrown as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation_failed');
    expect(Object.keys(e.fields).sort()).toEqual(['response']);
    expect(e.message).toMatch(/^response: /);
  });
});
