/** Passkeys in the browser (@simplewebauthn/browser): register one for the signed-in user; sign in with one. */
import type { Me, Passkey } from '@akashic/contracts';
import {
  WebAuthnAbortService,
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { api } from './api';

export const passkeysSupported = browserSupportsWebAuthn;

/** Create a passkey on this device (or a phone, a security key…) and register it. */
export async function addPasskey(name: string | undefined): Promise<Passkey> {
  const optionsJSON = await api.post<PublicKeyCredentialCreationOptionsJSON>('/api/v1/passkeys/registration-options');
  const response = await startRegistration({ optionsJSON });
  return api.post<Passkey>('/api/v1/passkeys', { response, ...(name ? { name } : {}) });
}

/**
 * Sign in with a passkey. `autofill`: conditional UI — the browser offers passkeys in the email field's suggestions
 * and the promise settles only when one is picked (or the ceremony is aborted by another one).
 */
export async function signInWithPasskey(autofill = false): Promise<Me> {
  const optionsJSON = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/auth/passkey/options', undefined, {
    session: false,
  });
  const response = await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
  return api.post<Me>('/api/v1/auth/passkey/sign-in', { response }, { session: false });
}

export async function autofillSupported(): Promise<boolean> {
  return browserSupportsWebAuthn() && (await browserSupportsWebAuthnAutofill());
}

/** End a pending conditional-UI ceremony (leaving the sign-in page). */
export function cancelPasskeyCeremony(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** Whether the person dismissed the browser's dialog (not an error worth showing). */
export function wasCancelled(e: unknown): boolean {
  return e instanceof Error && (e.name === 'NotAllowedError' || e.name === 'AbortError');
}
