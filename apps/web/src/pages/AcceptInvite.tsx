/** /accept-invite?token=…: preview the invitation, then join with an existing account or a new one. */
import type { Me, OrgRole } from '@akashic/contracts';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useFeedback } from '../components/feedback';
import { FormError, TextField, formValue, useSubmission } from '../components/forms';
import { LoadError, Loading, PageHeader } from '../components/layout';
import { AuthLayout } from '../components/Shell';
import { ROLE_LABELS } from '../format';
import { useResource } from '../hooks';
import { Link, navigate, useLocation } from '../router';
import { PASSWORD_HINT } from './auth';

interface Preview {
  orgName: string;
  email: string;
  role: OrgRole;
  accountExists: boolean;
}

/** `me`: the signed-in user, if any. Signed in as the invited account, accepting needs no password. */
export function AcceptInvitePage({ me, onSignedIn }: { me: Me | null; onSignedIn: (me: Me) => void }) {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const preview = useResource<Preview | null>(
    (signal) =>
      token
        ? api.get<Preview>('/api/v1/invitations/preview', { query: { token }, session: false, signal })
        : Promise.resolve(null),
    [token],
  );
  const s = useSubmission();
  const { announce } = useFeedback();
  const signedInAsInvitee = (p: Preview) => me !== null && me.user.email.toLowerCase() === p.email.toLowerCase();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const p = preview.data;
    if (!p) return;
    const body = signedInAsInvitee(p)
      ? { token }
      : p.accountExists
        ? { token, password: formValue(f, 'password') }
        : { token, name: formValue(f, 'name'), password: formValue(f, 'password') };
    void s.run(async () => {
      const me = await api.post<Me>('/api/v1/invitations/accept', body, { session: false });
      onSignedIn(me);
      announce(`Welcome to ${p.orgName}.`);
      navigate('/', { replace: true });
    });
  };

  const p = preview.data;
  return (
    <AuthLayout>
      <PageHeader title="Join an organization" />
      {!token ? (
        <div className="notice notice-error">
          <p>This invitation link is incomplete. Open the link from your invitation email again.</p>
        </div>
      ) : preview.loading ? (
        <Loading label="Checking your invitation…" />
      ) : preview.error ? (
        <>
          <LoadError error={preview.error} />
          <p className="muted">
            Invitations expire and can be revoked. Ask the person who invited you to send a new one.
          </p>
        </>
      ) : p ? (
        <>
          <dl className="invite-summary">
            <div>
              <dt>Organization</dt>
              <dd>{p.orgName}</dd>
            </div>
            <div>
              <dt>Invited email</dt>
              <dd>{p.email}</dd>
            </div>
            <div>
              <dt>Role</dt>
              <dd>{ROLE_LABELS[p.role] ?? p.role}</dd>
            </div>
          </dl>
          <form ref={s.formRef} onSubmit={submit} noValidate className="stack">
            <FormError error={s.error} shown={['name', 'password']} />
            {signedInAsInvitee(p) ? (
              <p>
                You are signed in as <strong>{p.email}</strong>.
              </p>
            ) : p.accountExists ? (
              <>
                <p>
                  You already have an Akashic account as <strong>{p.email}</strong>. Enter its password to accept.
                </p>
                <TextField
                  label="Password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  error={s.fields.password}
                />
              </>
            ) : (
              <>
                <p>Create your account for {p.email} to join.</p>
                <input type="hidden" name="email" value={p.email} autoComplete="username" />
                <TextField label="Your name" name="name" autoComplete="name" required error={s.fields.name} />
                <TextField
                  label="Choose a password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={12}
                  hint={PASSWORD_HINT}
                  error={s.fields.password}
                />
              </>
            )}
            <button type="submit" className="button primary block" disabled={s.busy}>
              {s.busy ? 'Joining…' : `Accept and join ${p.orgName}`}
            </button>
          </form>
          {p.accountExists && !signedInAsInvitee(p) && (
            <div className="auth-links">
              <Link to="/forgot-password">Forgot your password?</Link>
            </div>
          )}
        </>
      ) : null}
    </AuthLayout>
  );
}
