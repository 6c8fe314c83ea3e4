/** Pages used without a session: sign-in, sign-up, forgot/reset password. */
import type { Me } from '@akashic/contracts';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useFeedback } from '../components/feedback';
import { FormError, TextField, formValue, useSubmission } from '../components/forms';
import { PageHeader } from '../components/layout';
import { AuthLayout } from '../components/Shell';
import { autofillSupported, cancelPasskeyCeremony, passkeysSupported, signInWithPasskey, wasCancelled } from '../passkeys';
import { Link, navigate, safeNext, useLocation } from '../router';

export const PASSWORD_HINT = 'At least 12 characters. A few unrelated words make a strong, memorable password.';

export function SignInPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { query } = useLocation();
  const s = useSubmission();
  const passkey = useSubmission();
  const next = safeNext(query.get('next'));

  const signedIn = useCallback(
    (me: Me) => {
      onSignedIn(me);
      navigate(next, { replace: true });
    },
    [onSignedIn, next],
  );

  // Conditional UI: the browser offers this site's passkeys among the email field's suggestions.
  useEffect(() => {
    let active = true;
    void (async () => {
      if (!(await autofillSupported())) return;
      try {
        const me = await signInWithPasskey(true);
        if (active) signedIn(me);
      } catch (e) {
        if (active && !wasCancelled(e)) passkey.setError(e);
      }
    })();
    return () => {
      active = false;
      cancelPasskeyCeremony();
    };
    // Once per visit of the page: the ceremony waits for the person.
  }, []);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void s.run(async () => {
      const me = await api.post<Me>(
        '/api/v1/auth/sign-in',
        { email: formValue(f, 'email'), password: formValue(f, 'password') },
        { session: false },
      );
      signedIn(me);
    });
  };

  const withPasskey = () =>
    void passkey.run(async () => {
      try {
        signedIn(await signInWithPasskey());
      } catch (e) {
        if (!wasCancelled(e)) throw e;
      }
    });

  return (
    <AuthLayout>
      <PageHeader title="Sign in" lead="Welcome back to Akashic Intelligence." />
      <form ref={s.formRef} onSubmit={submit} noValidate className="stack">
        <FormError error={s.error} shown={['email', 'password']} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username webauthn"
          required
          error={s.fields.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={s.fields.password}
        />
        <button type="submit" className="button primary block" disabled={s.busy}>
          {s.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {passkeysSupported() && (
        <div className="stack passkey-sign-in">
          <FormError error={passkey.error} />
          <button type="button" className="button secondary block" disabled={passkey.busy} onClick={withPasskey}>
            Sign in with a passkey
          </button>
        </div>
      )}
      <div className="auth-links">
        <Link to="/forgot-password">Forgot your password?</Link>
        <p>
          New to Akashic? <Link to="/sign-up">Create an account</Link>
        </p>
      </div>
    </AuthLayout>
  );
}

export function SignUpPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const s = useSubmission();
  const { announce } = useFeedback();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void s.run(async () => {
      const me = await api.post<Me>(
        '/api/v1/auth/sign-up',
        {
          name: formValue(f, 'name'),
          email: formValue(f, 'email'),
          password: formValue(f, 'password'),
          orgName: formValue(f, 'orgName'),
        },
        { session: false },
      );
      onSignedIn(me);
      announce('Your account and organization are ready.');
      navigate('/', { replace: true });
    });
  };

  return (
    <AuthLayout>
      <PageHeader
        title="Create your account"
        lead="Set up an organization for your campaign or team. You can invite colleagues next."
      />
      <form ref={s.formRef} onSubmit={submit} noValidate className="stack">
        <FormError error={s.error} shown={['name', 'email', 'password', 'orgName']} />
        <TextField label="Your name" name="name" autoComplete="name" required error={s.fields.name} />
        <TextField label="Work email" name="email" type="email" autoComplete="email" required error={s.fields.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          hint={PASSWORD_HINT}
          error={s.fields.password}
        />
        <TextField
          label="Organization name"
          name="orgName"
          autoComplete="organization"
          required
          hint="Your campaign, party office or team. You can rename it later."
          error={s.fields.orgName}
        />
        <button type="submit" className="button primary block" disabled={s.busy}>
          {s.busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <div className="auth-links">
        <p>
          Already have an account? <Link to="/sign-in">Sign in</Link>
        </p>
      </div>
    </AuthLayout>
  );
}

export function ForgotPasswordPage() {
  const s = useSubmission();
  const [sentTo, setSentTo] = useState<string | null>(null);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const email = formValue(new FormData(e.currentTarget), 'email');
    void s.run(async () => {
      await api.post('/api/v1/auth/password-reset/request', { email }, { session: false });
      setSentTo(email.trim());
    });
  };

  return (
    <AuthLayout>
      <PageHeader title="Reset your password" lead="We will email you a link to choose a new password." />
      {sentTo ? (
        <div className="notice notice-success" role="status">
          <p>
            If an account exists for <strong>{sentTo}</strong>, a reset link is on its way. The link works once and
            expires soon; check your spam folder if it does not arrive.
          </p>
        </div>
      ) : (
        <form ref={s.formRef} onSubmit={submit} noValidate className="stack">
          <FormError error={s.error} shown={['email']} />
          <TextField label="Email" name="email" type="email" autoComplete="email" required error={s.fields.email} />
          <button type="submit" className="button primary block" disabled={s.busy}>
            {s.busy ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
      <div className="auth-links">
        <Link to="/sign-in">Back to sign in</Link>
      </div>
    </AuthLayout>
  );
}

/** `onReset`: the server ends every session of the account, this one included. */
export function ResetPasswordPage({ onReset }: { onReset: () => void }) {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const s = useSubmission();
  const { announce } = useFeedback();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = formValue(new FormData(e.currentTarget), 'password');
    void s.run(async () => {
      await api.post('/api/v1/auth/password-reset', { token, password }, { session: false });
      onReset();
      announce('Your password has been changed. Sign in with your new password.');
      navigate('/sign-in', { replace: true });
    });
  };

  return (
    <AuthLayout>
      <PageHeader title="Choose a new password" />
      {!token ? (
        <div className="notice notice-error">
          <p>This reset link is incomplete. Open the link from the email again, or request a new one.</p>
          <Link to="/forgot-password">Request a new reset link</Link>
        </div>
      ) : (
        <form ref={s.formRef} onSubmit={submit} noValidate className="stack">
          <FormError error={s.error} shown={['password']} />
          {s.error !== null && (
            <p className="muted">
              If the link has expired or was already used, <Link to="/forgot-password">request a new one</Link>.
            </p>
          )}
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            hint={PASSWORD_HINT}
            error={s.fields.password}
          />
          <button type="submit" className="button primary block" disabled={s.busy}>
            {s.busy ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
      <div className="auth-links">
        <Link to="/sign-in">Back to sign in</Link>
      </div>
    </AuthLayout>
  );
}
