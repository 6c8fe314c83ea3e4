/** Passkeys: add one (this device, a phone, a security key), see when each was created and last used, rename, delete. */
import type { Passkey } from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useFeedback } from '../components/feedback';
import { FormError, TextField, formValue, useSubmission } from '../components/forms';
import { ActionsHeader, LoadError, Loading, PageHeader, Panel, TableWrap } from '../components/layout';
import { formatDate, formatDateTime } from '../format';
import { useResource } from '../hooks';
import { addPasskey, passkeysSupported, wasCancelled } from '../passkeys';

export function PasskeysPage() {
  const passkeys = useResource((signal) => api.get<{ items: Passkey[] }>('/api/v1/passkeys', { signal }), []);
  const add = useSubmission();
  const { announce } = useFeedback();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = formValue(new FormData(form), 'name').trim();
    void add.run(async () => {
      try {
        const created = await addPasskey(name || undefined);
        form.reset();
        passkeys.setData((d) => ({ items: [created, ...(d?.items ?? [])] }));
        announce(`Passkey “${created.name}” added. You can sign in with it now.`);
      } catch (err) {
        if (!wasCancelled(err)) throw err;
      }
    });
  };

  return (
    <>
      <PageHeader
        title="Passkeys"
        lead="Sign in without a password: your device unlocks a passkey with its screen lock, fingerprint or face."
      />
      <Panel title="Add a passkey">
        {passkeysSupported() ? (
          <form ref={add.formRef} onSubmit={submit} noValidate className="stack" aria-label="Add a passkey">
            <FormError error={add.error} shown={['name']} />
            <TextField
              label="Passkey name"
              name="name"
              maxLength={100}
              autoComplete="off"
              hint="Optional, to tell your passkeys apart, e.g. “Work laptop”."
              error={add.fields.name}
            />
            <div>
              <button type="submit" className="button primary" disabled={add.busy}>
                Add a passkey
              </button>
            </div>
          </form>
        ) : (
          <p className="empty">This browser does not support passkeys.</p>
        )}
      </Panel>
      <Panel title="Your passkeys">
        {passkeys.loading && !passkeys.data ? (
          <Loading label="Loading passkeys…" />
        ) : passkeys.error ? (
          <LoadError error={passkeys.error} onRetry={passkeys.reload} />
        ) : !passkeys.data?.items.length ? (
          <p className="empty">No passkeys yet.</p>
        ) : (
          <TableWrap label="Passkeys table">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {passkeys.data.items.map((p) => (
                  <PasskeyRow
                    key={p.id}
                    passkey={p}
                    onChanged={(next) =>
                      passkeys.setData(
                        (d) =>
                          d && {
                            items: next
                              ? d.items.map((x) => (x.id === next.id ? next : x))
                              : d.items.filter((x) => x.id !== p.id),
                          },
                      )
                    }
                  />
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Panel>
    </>
  );
}

function PasskeyRow({ passkey, onChanged }: { passkey: Passkey; onChanged: (p: Passkey | null) => void }) {
  const [editing, setEditing] = useState(false);
  const rename = useSubmission();
  const { announce, confirm } = useFeedback();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = formValue(new FormData(e.currentTarget), 'name');
    void rename.run(async () => {
      onChanged(await api.patch<Passkey>(`/api/v1/passkeys/${passkey.id}`, { name }));
      setEditing(false);
      announce('Passkey renamed.');
    });
  };

  const remove = async () => {
    const ok = await confirm({
      title: `Delete the passkey “${passkey.name}”?`,
      body: <p>It will no longer sign you in. The copy on your device is not removed; delete it there too.</p>,
      confirmLabel: 'Delete passkey',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`/api/v1/passkeys/${passkey.id}`);
      onChanged(null);
      announce('Passkey deleted.');
    } catch (e) {
      announce(e instanceof Error ? e.message : String(e), 'error');
    }
  };

  return (
    <tr>
      <td data-label="Name">
        {editing ? (
          <form ref={rename.formRef} onSubmit={submit} noValidate className="inline-form" aria-label="Rename passkey">
            <FormError error={rename.error} shown={['name']} />
            <TextField
              label="New name"
              name="name"
              defaultValue={passkey.name}
              maxLength={100}
              required
              autoComplete="off"
              error={rename.fields.name}
            />
            <button type="submit" className="button primary small" disabled={rename.busy}>
              Save
            </button>
            <button type="button" className="button link small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <strong>{passkey.name}</strong>
        )}
      </td>
      <td data-label="Created">
        <time dateTime={passkey.createdAt}>{formatDate(passkey.createdAt)}</time>
      </td>
      <td data-label="Last used">
        {passkey.lastUsedAt ? <time dateTime={passkey.lastUsedAt}>{formatDateTime(passkey.lastUsedAt)}</time> : 'Never'}
      </td>
      <td data-label="Actions" className="actions-cell">
        {!editing && (
          <button type="button" className="button secondary small" onClick={() => setEditing(true)}>
            Rename<span className="sr-only"> passkey {passkey.name}</span>
          </button>
        )}{' '}
        <button type="button" className="button danger-outline small" onClick={() => void remove()}>
          Delete<span className="sr-only"> passkey {passkey.name}</span>
        </button>
      </td>
    </tr>
  );
}
