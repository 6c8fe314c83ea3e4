import { z } from 'zod';
import { Timestamp, Id } from './common.js';

export const Passkey = z.object({
  id: Id,
  name: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  /** Synced across the person's devices, or bound to one authenticator. */
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
});
export type Passkey = z.infer<typeof Passkey>;

export const PasskeyName = z.string().trim().min(1, 'is required').max(100);

export const RenamePasskeyBody = z.strictObject({ name: PasskeyName });

/** WebAuthn options for the browser (`PublicKeyCredentialCreationOptionsJSON` / `…RequestOptionsJSON`). */
export const WebAuthnOptions = z.record(z.string(), z.unknown());
export type WebAuthnOptions = z.infer<typeof WebAuthnOptions>;

const B64 = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url')
  .meta({ examples: ['AQID'] });

/** What `navigator.credentials.create()` returns, as JSON (`RegistrationResponseJSON`). */
export const RegistrationResponse = z.object({
  id: B64,
  rawId: B64,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: B64,
    attestationObject: B64,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()),
});

/** What `navigator.credentials.get()` returns, as JSON (`AuthenticationResponseJSON`). */
export const AuthenticationResponse = z.object({
  id: B64,
  rawId: B64,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: B64,
    authenticatorData: B64,
    signature: B64,
    userHandle: B64.optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()),
});

export const RegisterPasskeyBody = z.strictObject({
  response: RegistrationResponse,
  /** A name to tell passkeys apart, e.g. "Work laptop". Default: "Passkey". */
  name: PasskeyName.optional(),
});
export type RegisterPasskeyBody = z.input<typeof RegisterPasskeyBody>;

export const PasskeySignInBody = z.strictObject({ response: AuthenticationResponse });
export type PasskeySignInBody = z.input<typeof PasskeySignInBody>;
