/**
 * Organization API keys (admins): create one with a role ceiling and scopes (the secret is shown once), rotate it
 * with a grace period for the old secret, revoke it, and see when and from where each was last used.
 */
import type { ApiKey, CreatedApiKey, OrgRole } from '@akashic/contracts';
import { ORG_ROLES } from '@akashic/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api';
import { CredentialStatus, ScopePicker, SecretOnce, type Scope } from '../../components/credentials';
import { useFeedback } from '../../components/feedback';
import { FormError, SelectField, TextField, formValue, useSubmission } from '../../components/forms';
import { ActionsHeader, Badge, LoadError, Loading, Panel, TableWrap } from '../../components/layout';
import { ROLE_LABELS, formatDate, formatDateTime } from '../../format';
import { useResource } from '../../hooks';
import { useSession } from '../../session';

const GRACE_CHOICES = [
  { minutes: 0, label: 'None: the old secret stops now' },
  { minutes: 60, label: '1 hour' },
  { minutes: 24 * 60, label: '1 day' },
  { minutes: 7 * 24 * 60, label: '7 days' },
];

export function ApiKeysSection() {
  const keys = useResource((signal) => api.get<{ items: ApiKey[] }>('/api/v1/api-keys', { signal }), []);
  const [secret, setSecret] = useState<{ created: CreatedApiKey; rotated: boolean } | null>(null);
  const replace = (k: ApiKey) => keys.setData((d) => ({ items: (d?.items ?? []).map((x) => (x.id === k.id ? k : x)) }));

  return (
    <>
      {secret && <SecretPanel {...secret} onDone={() => setSecret(null)} />}
      <CreateKeyPanel
        onCreated={(c) => {
          setSecret({ created: c, rotated: false });
          keys.setData((d) => ({ items: [c.key, ...(d?.items ?? [])] }));
        }}
      />
      <KeyList
        keys={keys.data?.items}
        loading={keys.loading}
        error={keys.error}
        reload={keys.reload}
        onChanged={replace}
        onRotated={(c) => {
          replace(c.key);
          setSecret({ created: c, rotated: true });
        }}
      />
    </>
  );
}

function SecretPanel({ created, rotated, onDone }: { created: CreatedApiKey; rotated: boolean; onDone: () => void }) {
  const previous = created.key.previous;
  return (
    <SecretOnce
      id="api-key-secret"
      label="API key secret"
      title={rotated ? 'Copy the new secret now' : 'Copy your new API key now'}
      secret={created.secret}
      warning={
        <>
          <strong>This is the only time the secret of “{created.key.name}” is shown.</strong> Akashic stores only a hash
          of it. Put it in your integration’s secret store.
        </>
      }
      note={
        rotated &&
        (previous ? (
          <>
            The old secret ({previous.prefix}…) keeps working until{' '}
            <time dateTime={previous.expiresAt}>{formatDateTime(previous.expiresAt)}</time>: deploy the new one before
            then.
          </>
        ) : (
          'The old secret has stopped working.'
        ))
      }
      usage={
        <>
          Use it as <code>Authorization: Bearer {created.key.prefix}…</code>
        </>
      }
      onDone={onDone}
    />
  );
}

function CreateKeyPanel({ onCreated }: { onCreated: (c: CreatedApiKey) => void }) {
  const { org } = useSession();
  const myRole = org!.role;
  const roles = ORG_ROLES.slice(ORG_ROLES.indexOf(myRole));
  const [role, setRole] = useState<OrgRole>('viewer');
  const scopes = useResource(
    (signal) => api.get<{ scopes: Scope[] }>('/api/v1/api-keys/scopes', { signal, query: { role } }),
    [role],
  );
  const s = useSubmission();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const all = scopes.data?.scopes ?? [];
  // Scopes the chosen role cannot hold are dropped when the role changes.
  useEffect(() => {
    if (scopes.data)
      setSelected((prev) => new Set(scopes.data!.scopes.map((x) => x.action).filter((a) => prev.has(a))));
  }, [scopes.data]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const expires = formValue(f, 'expiresOn').trim();
    const body = {
      name: formValue(f, 'name'),
      role,
      scopes: all.map((x) => x.action).filter((a) => selected.has(a)),
      ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
    };
    void s.run(async () => {
      const c = await api.post<CreatedApiKey>('/api/v1/api-keys', body);
      form.reset();
      setSelected(new Set());
      onCreated(c);
    });
  };

  return (
    <Panel title="Create an API key" description="For an integration: it belongs to the organization, not to you.">
      <form ref={s.formRef} onSubmit={submit} noValidate className="stack" aria-label="Create an API key">
        <FormError error={s.error} shown={['name', 'role', 'scopes', 'expiresAt']} />
        <div className="form-grid">
          <TextField
            label="Key name"
            name="name"
            required
            autoComplete="off"
            maxLength={100}
            hint="The integration it is for, e.g. “CRM sync”."
            error={s.fields.name}
          />
          <SelectField
            label="Role ceiling"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as OrgRole)}
            hint="The most the key may ever do; at most your own role."
            error={s.fields.role}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Expires on"
            name="expiresOn"
            type="date"
            min={new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}
            hint="Optional. Leave empty for a key that does not expire."
            error={s.fields.expiresAt}
          />
        </div>
        <ScopePicker
          idPrefix="key-scope"
          hint="The key can only do the actions picked here, and only as far as its role allows. Keys never manage keys or tokens."
          scopes={scopes}
          selected={selected}
          onChange={setSelected}
          error={s.fields.scopes}
        />
        <div>
          <button type="submit" className="button primary" disabled={s.busy}>
            {s.busy ? 'Creating…' : 'Create API key'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function KeyList({
  keys,
  loading,
  error,
  reload,
  onChanged,
  onRotated,
}: {
  keys: ApiKey[] | undefined;
  loading: boolean;
  error: unknown;
  reload: () => void;
  onChanged: (k: ApiKey) => void;
  onRotated: (c: CreatedApiKey) => void;
}) {
  const { announce, confirm } = useFeedback();
  const items = keys ?? [];

  const revoke = async (k: ApiKey) => {
    const ok = await confirm({
      title: `Revoke “${k.name}”?`,
      body: (
        <p>
          Anything using this key ({k.prefix}…{k.previous ? ` or its previous secret ${k.previous.prefix}…` : ''}) stops
          working immediately, on every server. This cannot be undone.
        </p>
      ),
      confirmLabel: 'Revoke key',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`/api/v1/api-keys/${k.id}`);
      onChanged(await api.get<ApiKey>(`/api/v1/api-keys/${k.id}`));
      announce(`API key “${k.name}” revoked.`);
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  const rotate = async (k: ApiKey) => {
    let graceMinutes = 60;
    const ok = await confirm({
      title: `Rotate “${k.name}”?`,
      body: (
        <>
          <p>A new secret is created and shown once. How long should the current secret ({k.prefix}…) keep working?</p>
          {k.previous && (
            <p className="warning-text">The secret still in its grace period ({k.previous.prefix}…) stops now.</p>
          )}
          <label htmlFor="grace-select">Grace period</label>
          <select
            id="grace-select"
            defaultValue={String(graceMinutes)}
            onChange={(e) => (graceMinutes = Number(e.target.value))}
          >
            {GRACE_CHOICES.map((g) => (
              <option key={g.minutes} value={g.minutes}>
                {g.label}
              </option>
            ))}
          </select>
        </>
      ),
      confirmLabel: 'Rotate key',
    });
    if (!ok) return;
    try {
      onRotated(await api.post<CreatedApiKey>(`/api/v1/api-keys/${k.id}/rotate`, { graceMinutes }));
      announce(`API key “${k.name}” rotated.`);
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  return (
    <Panel
      title="API keys of this organization"
      actions={
        <button type="button" className="button secondary small" onClick={reload}>
          Refresh
        </button>
      }
    >
      {loading && !keys ? (
        <Loading label="Loading API keys…" />
      ) : error ? (
        <LoadError error={error} onRetry={reload} />
      ) : items.length === 0 ? (
        <p className="empty">No API keys yet. Create one above when an integration needs API access.</p>
      ) : (
        <TableWrap label="API keys table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Secret</th>
                <th scope="col">Role</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <tr key={k.id}>
                  <td data-label="Name">
                    <strong>{k.name}</strong>
                    {k.createdBy && <span className="muted nowrap"> by {k.createdBy.email}</span>}
                  </td>
                  <td data-label="Secret">
                    <code>{k.prefix}…</code>
                    {k.previous && (
                      <span className="muted">
                        {' '}
                        previous <code>{k.previous.prefix}…</code> until{' '}
                        <time dateTime={k.previous.expiresAt}>{formatDateTime(k.previous.expiresAt)}</time>
                      </span>
                    )}
                  </td>
                  <td data-label="Role">
                    {ROLE_LABELS[k.role]}
                    {k.actsAs && k.actsAs !== k.role && (
                      <span className="muted">
                        {' '}
                        (acts as {ROLE_LABELS[k.actsAs]}: its creator’s role now)
                      </span>
                    )}
                  </td>
                  <td data-label="Scopes">
                    <ul className="chips">
                      {k.scopes.map((sc) => (
                        <li key={sc}>
                          <code>{sc}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Created">
                    <time dateTime={k.createdAt}>{formatDate(k.createdAt)}</time>
                  </td>
                  <td data-label="Expires">
                    {k.expiresAt ? <time dateTime={k.expiresAt}>{formatDate(k.expiresAt)}</time> : 'Never'}
                  </td>
                  <td data-label="Last used">
                    {k.lastUsedAt ? (
                      <>
                        <time dateTime={k.lastUsedAt}>{formatDateTime(k.lastUsedAt)}</time>
                        {k.lastUsedIp && <span className="muted nowrap"> from {k.lastUsedIp}</span>}
                      </>
                    ) : (
                      <span className="muted">Never</span>
                    )}
                  </td>
                  <td data-label="Status">
                    {k.status === 'active' && !k.actsAs ? (
                      <Badge tone="amber">Suspended: its creator left the organization</Badge>
                    ) : (
                      <CredentialStatus status={k.status} />
                    )}
                  </td>
                  <td data-label="Actions" className="actions-cell">
                    {k.status !== 'revoked' && (
                      <span className="button-row">
                        <button type="button" className="button secondary small" onClick={() => void rotate(k)}>
                          Rotate<span className="sr-only"> key {k.name}</span>
                        </button>
                        <button type="button" className="button danger-outline small" onClick={() => void revoke(k)}>
                          Revoke<span className="sr-only"> key {k.name}</span>
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
