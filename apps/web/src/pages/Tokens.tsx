/** API tokens: create (secret shown once), list and revoke personal tokens. */
import type { ApiToken } from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api';
import { CredentialStatus, ScopePicker, SecretOnce, type Scope } from '../components/credentials';
import { useFeedback } from '../components/feedback';
import { FormError, TextField, formValue, useSubmission } from '../components/forms';
import { ActionsHeader, LoadError, Loading, PageHeader, Panel, TableWrap } from '../components/layout';
import { formatDate, formatDateTime } from '../format';
import { useResource } from '../hooks';
import { useSession } from '../session';

interface Created {
  token: ApiToken;
  secret: string;
}

export function tokenStatus(t: ApiToken, now = Date.now()): 'active' | 'expired' | 'revoked' {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

export function TokensPage() {
  const tokens = useResource((signal) => api.get<{ items: ApiToken[] }>('/api/v1/tokens', { signal }), []);
  const [created, setCreated] = useState<Created | null>(null);

  return (
    <>
      <PageHeader
        title="API tokens"
        lead="Personal tokens let scripts and integrations call the Akashic API as you, in this organization only, limited to the scopes you pick."
      />
      {created && <SecretPanel created={created} onDone={() => setCreated(null)} />}
      <CreateTokenPanel
        onCreated={(c) => {
          setCreated(c);
          tokens.setData((d) => ({ items: [c.token, ...(d?.items ?? [])] }));
        }}
      />
      <TokenList
        tokens={tokens.data?.items}
        loading={tokens.loading}
        error={tokens.error}
        reload={tokens.reload}
        onRevoked={(id) =>
          tokens.setData(
            (d) =>
              d && { items: d.items.map((t) => (t.id === id ? { ...t, revokedAt: new Date().toISOString() } : t)) },
          )
        }
      />
    </>
  );
}

function SecretPanel({ created, onDone }: { created: Created; onDone: () => void }) {
  return (
    <SecretOnce
      id="token-secret"
      label="Token secret"
      title="Copy your new token now"
      secret={created.secret}
      warning={
        <>
          <strong>This is the only time the secret of “{created.token.name}” is shown.</strong> Akashic stores only a
          hash of it. Keep it somewhere safe, like a password manager or your deployment’s secret store. If you lose it,
          revoke the token and create a new one.
        </>
      }
      usage={
        <>
          Use it as <code>Authorization: Bearer {created.token.prefix}…</code>
        </>
      }
      onDone={onDone}
    />
  );
}

function CreateTokenPanel({ onCreated }: { onCreated: (c: Created) => void }) {
  const scopes = useResource((signal) => api.get<{ scopes: Scope[] }>('/api/v1/tokens/scopes', { signal }), []);
  const s = useSubmission();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const all = scopes.data?.scopes ?? [];

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = formValue(f, 'expiresInDays').trim();
    const body: { name: string; scopes: string[]; expiresInDays?: number } = {
      name: formValue(f, 'name'),
      // Keep the server's order, not the order of clicking.
      scopes: all.map((x) => x.action).filter((a) => selected.has(a)),
    };
    if (days) body.expiresInDays = Number(days);
    void s.run(async () => {
      const c = await api.post<Created>('/api/v1/tokens', body);
      form.reset();
      setSelected(new Set());
      onCreated(c);
    });
  };

  return (
    <Panel title="Create a token">
      <form ref={s.formRef} onSubmit={submit} noValidate className="stack" aria-label="Create a token">
        <FormError error={s.error} shown={['name', 'scopes', 'expiresInDays']} />
        <div className="form-grid">
          <TextField
            label="Token name"
            name="name"
            required
            autoComplete="off"
            maxLength={100}
            hint="What it is for, e.g. “Nightly export”."
            error={s.fields.name}
          />
          <TextField
            label="Expires in (days)"
            name="expiresInDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            hint="Optional. Leave empty for a token that does not expire."
            error={s.fields.expiresInDays}
          />
        </div>
        <ScopePicker
          idPrefix="scope"
          hint="A token can only do what you can do yourself, and only the actions picked here."
          scopes={scopes}
          selected={selected}
          onChange={setSelected}
          error={s.fields.scopes}
        />
        <div>
          <button type="submit" className="button primary" disabled={s.busy}>
            {s.busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function TokenList({
  tokens,
  loading,
  error,
  reload,
  onRevoked,
}: {
  tokens: ApiToken[] | undefined;
  loading: boolean;
  error: unknown;
  reload: () => void;
  onRevoked: (id: string) => void;
}) {
  const { me, isAdmin } = useSession();
  const { announce, confirm } = useFeedback();
  const items = tokens ?? [];
  const showOwner = items.some((t) => t.owner.id !== me.user.id);

  const revoke = async (t: ApiToken) => {
    const ok = await confirm({
      title: `Revoke “${t.name}”?`,
      body: <p>Anything using this token ({t.prefix}…) stops working immediately. This cannot be undone.</p>,
      confirmLabel: 'Revoke token',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`/api/v1/tokens/${t.id}`);
      onRevoked(t.id);
      announce(`Token “${t.name}” revoked.`);
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  return (
    <Panel
      title={isAdmin ? 'Tokens in this organization' : 'Your tokens'}
      description={isAdmin ? 'As an admin you see, and can revoke, every member’s tokens.' : undefined}
    >
      {loading && !tokens ? (
        <Loading label="Loading tokens…" />
      ) : error ? (
        <LoadError error={error} onRetry={reload} />
      ) : items.length === 0 ? (
        <p className="empty">No tokens yet. Create one above when a script or integration needs API access.</p>
      ) : (
        <TableWrap label="API tokens table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                {showOwner && <th scope="col">Owner</th>}
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {items.map((t) => {
                const status = tokenStatus(t);
                return (
                  <tr key={t.id}>
                    <td data-label="Name">
                      <strong>{t.name}</strong>
                    </td>
                    <td data-label="Prefix">
                      <code>{t.prefix}…</code>
                    </td>
                    <td data-label="Scopes">
                      <ul className="chips">
                        {t.scopes.map((sc) => (
                          <li key={sc}>
                            <code>{sc}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    {showOwner && <td data-label="Owner">{t.owner.email}</td>}
                    <td data-label="Created">
                      <time dateTime={t.createdAt}>{formatDate(t.createdAt)}</time>
                    </td>
                    <td data-label="Expires">
                      {t.expiresAt ? <time dateTime={t.expiresAt}>{formatDate(t.expiresAt)}</time> : 'Never'}
                    </td>
                    <td data-label="Last used">
                      {t.lastUsedAt ? (
                        <>
                          <time dateTime={t.lastUsedAt}>{formatDateTime(t.lastUsedAt)}</time>
                          {t.lastUsedIp && <span className="muted nowrap"> from {t.lastUsedIp}</span>}
                        </>
                      ) : (
                        <span className="muted">Never</span>
                      )}
                    </td>
                    <td data-label="Status">
                      <CredentialStatus status={status} />
                    </td>
                    <td data-label="Actions" className="actions-cell">
                      {status === 'active' && (
                        <button type="button" className="button danger-outline small" onClick={() => void revoke(t)}>
                          Revoke<span className="sr-only"> token {t.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
