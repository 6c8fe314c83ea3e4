/**
 * Webhook endpoints (admins): create or edit one (URL, description, event-type filters picked from the catalogue,
 * wildcards included), see its signing secret once on create and rotate (with an overlap for the previous one),
 * enable or disable it, send a test ping, delete it; each endpoint's delivery log lives below its path
 * (WebhookDeliveries.tsx).
 */
import type { WebhookEndpoint } from '@akashic/contracts';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api';
import { ChoiceFieldset, ChoiceList, SecretOnce, type Choice } from '../../components/credentials';
import { useFeedback } from '../../components/feedback';
import { FormError, TextField, formValue, useSubmission } from '../../components/forms';
import { ActionsHeader, Badge, LoadError, Loading, Panel, TableWrap } from '../../components/layout';
import { formatDateTime } from '../../format';
import { useResource, type Resource } from '../../hooks';
import { Link, navigate } from '../../router';
import { WebhookDeliveries } from './WebhookDeliveries';

export const WEBHOOKS_PATH = '/developers/webhooks';
export const WEBHOOKS_API = '/api/v1/webhooks';

export type EndpointWithSecret = WebhookEndpoint & { secret: string };

export interface EventType {
  type: string;
  description: string;
  example: { type: string; timestamp: string; data: Record<string, unknown> };
}

export const DISABLED_REASONS: Record<NonNullable<WebhookEndpoint['disabledReason']>, string> = {
  manual: 'disabled by an admin',
  gone: 'the receiver answered 410 Gone',
  failing: 'every delivery failed for too long',
};

const OVERLAP_CHOICES = [
  { hours: 0, label: 'None: the old secret stops now' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 168, label: '7 days' },
];

export function useEventTypes(): Resource<{ items: EventType[] }> {
  return useResource((signal) => api.get<{ items: EventType[] }>(`${WEBHOOKS_API}/event-types`, { signal }), []);
}

/** `/developers/webhooks` lists endpoints; `/developers/webhooks/<id>[/deliveries/<id>]` is one endpoint's log. */
export function WebhooksSection({ path }: { path: string }) {
  const rest = path.slice(WEBHOOKS_PATH.length).split('/').filter(Boolean);
  if (rest.length === 0) return <EndpointsPage />;
  if (rest.length === 1 || (rest.length === 3 && rest[1] === 'deliveries'))
    return <WebhookDeliveries endpointId={rest[0]!} deliveryId={rest[2]} />;
  return <p className="empty">There is no such webhook page.</p>;
}

function EndpointsPage() {
  const endpoints = useResource(
    (signal) => api.get<{ items: WebhookEndpoint[] }>(`${WEBHOOKS_API}/endpoints`, { signal }),
    [],
  );
  const catalogue = useEventTypes();
  const [secret, setSecret] = useState<{ endpoint: EndpointWithSecret; rotated: boolean } | null>(null);
  const [editing, setEditing] = useState<WebhookEndpoint | null>(null);
  const replace = (e: WebhookEndpoint) =>
    endpoints.setData((d) => ({ items: (d?.items ?? []).map((x) => (x.id === e.id ? e : x)) }));

  return (
    <>
      {secret && <SecretPanel {...secret} onDone={() => setSecret(null)} />}
      <EndpointForm
        key={editing?.id ?? 'new'}
        editing={editing}
        catalogue={catalogue}
        onSaved={(e) => {
          if (editing) {
            replace(e);
            setEditing(null);
          } else {
            endpoints.setData((d) => ({ items: [e, ...(d?.items ?? [])] }));
            setSecret({ endpoint: e as EndpointWithSecret, rotated: false });
          }
        }}
        onCancel={() => setEditing(null)}
      />
      <EndpointList
        resource={endpoints}
        onChanged={replace}
        onDeleted={(id) => endpoints.setData((d) => ({ items: (d?.items ?? []).filter((x) => x.id !== id) }))}
        onEdit={setEditing}
        onRotated={(e) => {
          replace(e);
          setSecret({ endpoint: e, rotated: true });
        }}
      />
    </>
  );
}

function SecretPanel({
  endpoint,
  rotated,
  onDone,
}: {
  endpoint: EndpointWithSecret;
  rotated: boolean;
  onDone: () => void;
}) {
  return (
    <SecretOnce
      id="webhook-secret"
      label="Signing secret"
      title={rotated ? 'Copy the new signing secret now' : 'Copy the endpoint’s signing secret now'}
      secret={endpoint.secret}
      warning={
        <>
          <strong>This is the only time the signing secret of {endpoint.url} is shown.</strong> Your receiver verifies
          each delivery’s <code>webhook-signature</code> with it (see Getting started).
        </>
      }
      note={
        rotated &&
        (endpoint.overlapEndsAt ? (
          <>
            Until <time dateTime={endpoint.overlapEndsAt}>{formatDateTime(endpoint.overlapEndsAt)}</time> deliveries are
            signed with the previous secret too: deploy the new one before then.
          </>
        ) : (
          'The previous secret no longer signs deliveries.'
        ))
      }
      onDone={onDone}
    />
  );
}

/** The filters offered: every event, each module and entity wildcard, and each exact type of the catalogue. */
function filterGroups(types: EventType[]): { module: string; filters: Choice[] }[] {
  const modules = new Map<string, Choice[]>();
  const seen = new Set<string>();
  for (const t of types) {
    const [module, entity] = t.type.split('.');
    if (!modules.has(module!)) modules.set(module!, [{ value: `${module}.*`, description: `Every ${module} event` }]);
    const list = modules.get(module!)!;
    const entityFilter = `${module}.${entity}.*`;
    if (!seen.has(entityFilter)) {
      seen.add(entityFilter);
      list.push({ value: entityFilter, description: `Every ${entity?.replace(/_/g, ' ')} event` });
    }
    list.push({ value: t.type, description: t.description });
  }
  return [...modules].map(([module, filters]) => ({ module, filters }));
}

function EventTypePicker({
  catalogue,
  selected,
  onChange,
  error,
}: {
  catalogue: Resource<{ items: EventType[] }>;
  selected: Set<string>;
  onChange: (next: Set<string>) => void;
  error: string | undefined;
}) {
  const groups = useMemo(() => filterGroups(catalogue.data?.items ?? []), [catalogue.data]);
  const known = new Set(['*', ...groups.flatMap((g) => g.filters.map((f) => f.value))]);
  // Filters saved earlier that the catalogue no longer lists stay visible, so they can be removed.
  const other = [...selected].filter((f) => !known.has(f)).map((value) => ({ value, description: 'Saved filter' }));
  const list = (choices: Choice[]) => (
    <ChoiceList idPrefix="event-filter" choices={choices} selected={selected} onChange={onChange} />
  );
  return (
    <ChoiceFieldset
      idPrefix="event-filters"
      legend="Events to send"
      hint={
        <>
          Pick every event, whole modules (<code>campaigns.*</code>), one kind of record (
          <code>campaigns.campaign.*</code>) or exact event types.
        </>
      }
      resource={catalogue}
      loadingLabel="Loading event types…"
      error={error}
    >
      {list([{ value: '*', description: 'Every event of the organization' }])}
      {other.length > 0 && list(other)}
      {groups.map((g) => (
        <details key={g.module} className="filter-group" open={g.filters.some((f) => selected.has(f.value))}>
          <summary>
            <code>{g.module}</code>{' '}
            <span className="muted">
              ({g.filters.filter((f) => selected.has(f.value)).length} of {g.filters.length} selected)
            </span>
          </summary>
          {list(g.filters)}
        </details>
      ))}
    </ChoiceFieldset>
  );
}

function EndpointForm({
  editing,
  catalogue,
  onSaved,
  onCancel,
}: {
  editing: WebhookEndpoint | null;
  catalogue: Resource<{ items: EventType[] }>;
  onSaved: (e: WebhookEndpoint | EndpointWithSecret) => void;
  onCancel: () => void;
}) {
  const s = useSubmission();
  const { announce } = useFeedback();
  const [selected, setSelected] = useState<Set<string>>(new Set(editing?.eventTypes ?? []));
  const urlRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (editing) urlRef.current?.querySelector('input')?.focus();
  }, [editing]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const body = {
      url: formValue(f, 'url').trim(),
      description: formValue(f, 'description'),
      eventTypes: [...selected],
    };
    void s.run(async () => {
      if (editing) {
        onSaved(await api.patch<WebhookEndpoint>(`${WEBHOOKS_API}/endpoints/${editing.id}`, body));
        announce('Webhook endpoint saved.');
      } else {
        const created = await api.post<EndpointWithSecret>(`${WEBHOOKS_API}/endpoints`, body);
        form.reset();
        setSelected(new Set());
        onSaved(created);
      }
    });
  };

  const title = editing ? 'Edit the webhook endpoint' : 'Add a webhook endpoint';
  return (
    <Panel
      title={title}
      id="webhook-endpoint-form"
      description="Akashic POSTs each matching event to the URL, signed per Standard Webhooks, and retries failures."
    >
      <form ref={s.formRef} onSubmit={submit} noValidate className="stack" aria-label={title}>
        <FormError error={s.error} shown={['url', 'description', 'eventTypes']} />
        <div className="form-grid" ref={urlRef}>
          <TextField
            label="Endpoint URL"
            name="url"
            type="url"
            inputMode="url"
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={2000}
            defaultValue={editing?.url}
            hint="https://… Addresses on private networks are refused."
            error={s.fields.url}
          />
          <TextField
            label="Description"
            name="description"
            autoComplete="off"
            maxLength={500}
            defaultValue={editing?.description}
            hint="Optional: what receives these events."
            error={s.fields.description}
          />
        </div>
        <EventTypePicker catalogue={catalogue} selected={selected} onChange={setSelected} error={s.fields.eventTypes} />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={s.busy}>
            {s.busy ? 'Saving…' : editing ? 'Save endpoint' : 'Add endpoint'}
          </button>
          {editing && (
            <button type="button" className="button secondary" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </Panel>
  );
}

export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  return (
    <>
      {endpoint.enabled ? (
        <Badge tone={endpoint.failingSince ? 'amber' : 'green'}>{endpoint.failingSince ? 'Failing' : 'Enabled'}</Badge>
      ) : (
        <Badge tone={endpoint.disabledReason === 'manual' ? 'grey' : 'red'}>Disabled</Badge>
      )}
      {!endpoint.enabled && endpoint.disabledReason && (
        <span className="muted"> {DISABLED_REASONS[endpoint.disabledReason]}</span>
      )}
      {endpoint.failingSince && (
        <span className="muted">
          {' '}
          failing since <time dateTime={endpoint.failingSince}>{formatDateTime(endpoint.failingSince)}</time>
        </span>
      )}
    </>
  );
}

function EndpointList({
  resource,
  onChanged,
  onDeleted,
  onEdit,
  onRotated,
}: {
  resource: Resource<{ items: WebhookEndpoint[] }>;
  onChanged: (e: WebhookEndpoint) => void;
  onDeleted: (id: string) => void;
  onEdit: (e: WebhookEndpoint) => void;
  onRotated: (e: EndpointWithSecret) => void;
}) {
  const { announce, confirm } = useFeedback();
  const items = resource.data?.items ?? [];
  const run = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  const ping = (e: WebhookEndpoint) =>
    run(async () => {
      const delivery = await api.post<{ id: string }>(`${WEBHOOKS_API}/endpoints/${e.id}/test`);
      announce('Test ping queued: follow it in the delivery log.');
      navigate(`${WEBHOOKS_PATH}/${e.id}/deliveries/${delivery.id}`);
    });

  const setEnabled = (e: WebhookEndpoint, enabled: boolean) =>
    run(async () => {
      onChanged(await api.patch<WebhookEndpoint>(`${WEBHOOKS_API}/endpoints/${e.id}`, { enabled }));
      announce(enabled ? `Endpoint ${e.url} enabled.` : `Endpoint ${e.url} disabled.`);
    });

  const rotate = async (e: WebhookEndpoint) => {
    let overlapHours = 24;
    const ok = await confirm({
      title: 'Rotate the signing secret?',
      body: (
        <>
          <p>A new secret for {e.url} is created and shown once. How long should the current one keep signing too?</p>
          <label htmlFor="overlap-select">Overlap</label>
          <select
            id="overlap-select"
            defaultValue={String(overlapHours)}
            onChange={(ev) => (overlapHours = Number(ev.target.value))}
          >
            {OVERLAP_CHOICES.map((o) => (
              <option key={o.hours} value={o.hours}>
                {o.label}
              </option>
            ))}
          </select>
        </>
      ),
      confirmLabel: 'Rotate secret',
    });
    if (!ok) return;
    await run(async () => {
      onRotated(
        await api.post<EndpointWithSecret>(`${WEBHOOKS_API}/endpoints/${e.id}/rotate-secret`, { overlapHours }),
      );
      announce('Signing secret rotated.');
    });
  };

  const remove = async (e: WebhookEndpoint) => {
    const ok = await confirm({
      title: 'Delete this webhook endpoint?',
      body: <p>{e.url} stops receiving events at once, and its delivery log is deleted. This cannot be undone.</p>,
      confirmLabel: 'Delete endpoint',
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await api.delete(`${WEBHOOKS_API}/endpoints/${e.id}`);
      onDeleted(e.id);
      announce(`Endpoint ${e.url} deleted.`);
    });
  };

  return (
    <Panel
      title="Webhook endpoints"
      actions={
        <button type="button" className="button secondary small" onClick={resource.reload}>
          Refresh
        </button>
      }
    >
      {resource.loading && !resource.data ? (
        <Loading label="Loading webhook endpoints…" />
      ) : resource.error ? (
        <LoadError error={resource.error} onRetry={resource.reload} />
      ) : items.length === 0 ? (
        <p className="empty">No webhook endpoints yet. Add one above to receive events as they happen.</p>
      ) : (
        <TableWrap label="Webhook endpoints table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Secret</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td data-label="URL" className="break">
                    <Link to={`${WEBHOOKS_PATH}/${e.id}`}>
                      {e.url}
                      <span className="sr-only"> (delivery log)</span>
                    </Link>
                    {e.description && <p className="muted">{e.description}</p>}
                  </td>
                  <td data-label="Events">
                    <ul className="chips">
                      {e.eventTypes.map((t) => (
                        <li key={t}>
                          <code>{t}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Status">
                    <EndpointStatus endpoint={e} />
                  </td>
                  <td data-label="Secret">
                    {e.overlapEndsAt && Date.parse(e.overlapEndsAt) > Date.now() ? (
                      <span className="muted">
                        previous secret signs too until{' '}
                        <time dateTime={e.overlapEndsAt}>{formatDateTime(e.overlapEndsAt)}</time>
                      </span>
                    ) : (
                      <span className="muted">one secret</span>
                    )}
                  </td>
                  <td data-label="Actions" className="actions-cell">
                    <span className="button-row">
                      <button type="button" className="button secondary small" onClick={() => void ping(e)}>
                        Send test ping<span className="sr-only"> to {e.url}</span>
                      </button>
                      <button type="button" className="button secondary small" onClick={() => onEdit(e)}>
                        Edit<span className="sr-only"> {e.url}</span>
                      </button>
                      <button type="button" className="button secondary small" onClick={() => void rotate(e)}>
                        Rotate secret<span className="sr-only"> of {e.url}</span>
                      </button>
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => void setEnabled(e, !e.enabled)}
                      >
                        {e.enabled ? 'Disable' : 'Enable'}
                        <span className="sr-only"> {e.url}</span>
                      </button>
                      <button type="button" className="button danger-outline small" onClick={() => void remove(e)}>
                        Delete<span className="sr-only"> {e.url}</span>
                      </button>
                    </span>
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
