/** Organization settings (rename), creating an organization, and the pages for edge states. */
import type { Me } from '@akashic/contracts';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useFeedback } from '../components/feedback';
import { FormError, TextField, formValue, useSubmission } from '../components/forms';
import { LoadError, Loading, PageHeader, Panel } from '../components/layout';
import { ROLE_LABELS, formatDate } from '../format';
import { useResource } from '../hooks';
import { Link, navigate } from '../router';
import { useSession } from '../session';

interface Org {
  id: string;
  name: string;
  slug: string;
  plan: string;
  createdAt: string;
}

export function SettingsPage() {
  const { isAdmin, org: summary, refresh } = useSession();
  const org = useResource((signal) => api.get<Org>('/api/v1/org', { signal }), []);
  const s = useSubmission();
  const { announce } = useFeedback();

  const rename = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = formValue(new FormData(e.currentTarget), 'name');
    void s.run(async () => {
      const updated = await api.patch<Org>('/api/v1/org', { name });
      org.setData(() => updated);
      await refresh();
      announce(`Organization renamed to ${updated.name}.`);
    });
  };

  return (
    <>
      <PageHeader title="Organization settings" />
      <Panel title="Details">
        {org.loading && !org.data ? (
          <Loading />
        ) : org.error ? (
          <LoadError error={org.error} onRetry={org.reload} />
        ) : org.data ? (
          <dl className="details">
            <div>
              <dt>Name</dt>
              <dd>{org.data.name}</dd>
            </div>
            <div>
              <dt>Slug</dt>
              <dd>
                <code>{org.data.slug}</code>
              </dd>
            </div>
            <div>
              <dt>Plan</dt>
              <dd className="capitalize">{org.data.plan}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <time dateTime={org.data.createdAt}>{formatDate(org.data.createdAt)}</time>
              </dd>
            </div>
            <div>
              <dt>Organization ID</dt>
              <dd>
                <code>{org.data.id}</code>
              </dd>
            </div>
            <div>
              <dt>Your role</dt>
              <dd>{summary ? ROLE_LABELS[summary.role] : '—'}</dd>
            </div>
          </dl>
        ) : null}
      </Panel>
      <Panel title="Rename">
        {isAdmin ? (
          org.data && (
            <form
              ref={s.formRef}
              onSubmit={rename}
              noValidate
              className="inline-form"
              aria-label="Rename the organization"
            >
              <FormError error={s.error} shown={['name']} />
              <div className="inline-form-row">
                <TextField
                  label="Organization name"
                  name="name"
                  required
                  maxLength={120}
                  defaultValue={org.data.name}
                  autoComplete="organization"
                  error={s.fields.name}
                  fieldClassName="grow"
                />
                <button type="submit" className="button primary" disabled={s.busy}>
                  {s.busy ? 'Saving…' : 'Save name'}
                </button>
              </div>
            </form>
          )
        ) : (
          <p className="muted">Only owners and admins can rename the organization.</p>
        )}
      </Panel>
    </>
  );
}

export function CreateOrgForm() {
  const { setMe } = useSession();
  const s = useSubmission();
  const { announce } = useFeedback();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = formValue(new FormData(e.currentTarget), 'name');
    void s.run(async () => {
      const me = await api.post<Me>('/api/v1/orgs', { name });
      setMe(me);
      announce(`${name.trim()} is ready. You are its owner.`);
      navigate('/');
    });
  };

  return (
    <form ref={s.formRef} onSubmit={submit} noValidate className="inline-form" aria-label="Create an organization">
      <FormError error={s.error} shown={['name']} />
      <div className="inline-form-row">
        <TextField
          label="Organization name"
          name="name"
          required
          maxLength={120}
          autoComplete="organization"
          error={s.fields.name}
          fieldClassName="grow"
        />
        <button type="submit" className="button primary" disabled={s.busy}>
          {s.busy ? 'Creating…' : 'Create organization'}
        </button>
      </div>
    </form>
  );
}

export function CreateOrgPage() {
  return (
    <>
      <PageHeader
        title="Create an organization"
        lead="A separate workspace, for another campaign or team. Its members, data and audit log are kept apart from your other organizations. You will be its owner."
      />
      <Panel title="New organization">
        <CreateOrgForm />
      </Panel>
    </>
  );
}

export function NoOrgPage() {
  const { me } = useSession();
  return (
    <>
      <PageHeader
        title={me.orgs.length ? 'Choose an organization' : 'You are not in an organization'}
        lead={
          me.orgs.length
            ? 'Pick one of your organizations from the Organization menu at the top, or create a new one.'
            : 'You are signed in, but you are not a member of any organization right now. Create one, or ask an admin to invite you.'
        }
      />
      <Panel title="New organization">
        <CreateOrgForm />
      </Panel>
    </>
  );
}

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" lead="There is nothing at this address." />
      <p>
        <Link to="/">Go to the overview</Link>
      </p>
    </>
  );
}
