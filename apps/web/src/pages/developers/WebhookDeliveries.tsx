/**
 * One webhook endpoint's delivery log: deliveries filtered by status and event type (cursor paging, refreshed
 * while any is pending), replay of a time range, and a delivery's detail with every attempt's request and response
 * excerpts and a Redeliver button.
 */
import type { Page, WebhookDelivery, WebhookEndpoint } from '@akashic/contracts';
import { WEBHOOK_DELIVERY_STATUSES } from '@akashic/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useFeedback } from '../../components/feedback';
import { FormError, SelectField, TextField, formValue, useSubmission } from '../../components/forms';
import { ActionsHeader, Badge, LoadError, LoadMore, Loading, Panel, TableWrap } from '../../components/layout';
import { formatDateTime } from '../../format';
import { useAction, usePages, useResource } from '../../hooks';
import { Link } from '../../router';
import { CodeBlock } from './CodeBlock';
import { EndpointStatus, WEBHOOKS_API, WEBHOOKS_PATH, useEventTypes } from './Webhooks';

type Status = WebhookDelivery['status'];

interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseStatus: number | null;
  responseHeaders: Record<string, string>;
  responseBody: string;
  error: string | null;
}

type DeliveryDetail = WebhookDelivery & { payload: Record<string, unknown>; attemptLog: Attempt[] };

const STATUS: Record<Status, { tone: 'green' | 'amber' | 'red'; label: string }> = {
  pending: { tone: 'amber', label: 'Pending' },
  delivered: { tone: 'green', label: 'Delivered' },
  failed: { tone: 'red', label: 'Failed' },
};

/** While a shown delivery is pending, the log is fetched again this often. */
const POLL_MS = 3000;

export function WebhookDeliveries({ endpointId, deliveryId }: { endpointId: string; deliveryId?: string }) {
  const endpoint = useResource(
    (signal) => api.get<WebhookEndpoint>(`${WEBHOOKS_API}/endpoints/${endpointId}`, { signal }),
    [endpointId],
  );
  return (
    <>
      <p>
        <Link to={deliveryId ? `${WEBHOOKS_PATH}/${endpointId}` : WEBHOOKS_PATH}>
          ← {deliveryId ? 'Delivery log' : 'All webhook endpoints'}
        </Link>
      </p>
      {endpoint.loading && !endpoint.data ? (
        <Loading label="Loading the endpoint…" />
      ) : endpoint.error ? (
        <LoadError error={endpoint.error} onRetry={endpoint.reload} />
      ) : (
        <>
          <dl className="details panel">
            <div>
              <dt>Endpoint</dt>
              <dd>{endpoint.data!.url}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <EndpointStatus endpoint={endpoint.data!} />
              </dd>
            </div>
          </dl>
          {deliveryId ? (
            <DeliveryDetailPanel deliveryId={deliveryId} />
          ) : (
            <>
              <DeliveryLog endpointId={endpointId} />
              <ReplayPanel endpointId={endpointId} />
            </>
          )}
        </>
      )}
    </>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const [filters, setFilters] = useState<{ status: string; eventType: string }>({ status: '', eventType: '' });
  const pages = usePages<WebhookDelivery>(
    (cursor, signal) =>
      api.get<Page<WebhookDelivery>>(`${WEBHOOKS_API}/deliveries`, {
        signal,
        query: {
          endpointId,
          limit: '25',
          ...(filters.status ? { status: filters.status } : {}),
          ...(filters.eventType ? { eventType: filters.eventType } : {}),
          ...(cursor ? { cursor } : {}),
        },
      }),
    [endpointId, filters.status, filters.eventType],
  );
  const catalogue = useEventTypes();
  const { first, items } = pages;
  // Pending deliveries change on their own: refresh the first page until none is left (not once further pages are
  // loaded, which a refresh would drop).
  const pending = first.data?.items.some((d) => d.status === 'pending') ?? false;
  const onlyFirst = items.length === (first.data?.items.length ?? 0);
  useEffect(() => {
    if (!pending || !onlyFirst || first.loading) return;
    const t = window.setTimeout(first.reload, POLL_MS);
    return () => window.clearTimeout(t);
  }, [pending, onlyFirst, first.loading, first.data, first.reload]);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setFilters({ status: formValue(f, 'status'), eventType: formValue(f, 'eventType').trim() });
  };

  return (
    <Panel
      title="Delivery log"
      description="Newest first. Failed attempts are retried with growing delays; pending deliveries refresh here."
      actions={
        <button type="button" className="button secondary small" onClick={first.reload}>
          Refresh
        </button>
      }
    >
      <form className="filters" onSubmit={apply} aria-label="Filter deliveries">
        <SelectField label="Status" name="status" defaultValue={filters.status}>
          <option value="">Any status</option>
          {WEBHOOK_DELIVERY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS[s].label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Event type"
          name="eventType"
          autoComplete="off"
          spellCheck={false}
          defaultValue={filters.eventType}
          list="delivery-event-types"
          hint="Exact type, e.g. campaigns.campaign.created"
        />
        <datalist id="delivery-event-types">
          {catalogue.data?.items.map((t) => (
            <option key={t.type} value={t.type} />
          ))}
        </datalist>
        <div className="filter-actions">
          <button type="submit" className="button secondary">
            Apply filters
          </button>
        </div>
      </form>
      {first.loading && !first.data ? (
        <Loading label="Loading deliveries…" />
      ) : first.error ? (
        <LoadError error={first.error} onRetry={first.reload} />
      ) : items.length === 0 ? (
        <p className="empty">No deliveries{filters.status || filters.eventType ? ' match these filters' : ' yet'}.</p>
      ) : (
        <TableWrap label="Deliveries table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Event type</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last response</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Occurred</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td data-label="Event type" className="break">
                    <code>{d.eventType}</code>
                  </td>
                  <td data-label="Status">
                    <Badge tone={STATUS[d.status].tone}>{STATUS[d.status].label}</Badge>
                  </td>
                  <td data-label="Attempts">{d.attempts}</td>
                  <td data-label="Last response">
                    {d.lastStatus ?? <span className="muted">{d.attempts ? 'no answer' : 'none yet'}</span>}
                  </td>
                  <td data-label="Next attempt">
                    {d.nextAttemptAt ? (
                      <time dateTime={d.nextAttemptAt}>{formatDateTime(d.nextAttemptAt)}</time>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td data-label="Occurred">
                    <time dateTime={d.occurredAt}>{formatDateTime(d.occurredAt)}</time>
                  </td>
                  <td data-label="Actions" className="actions-cell">
                    <Link to={`${WEBHOOKS_PATH}/${endpointId}/deliveries/${d.id}`} className="button secondary small">
                      Details<span className="sr-only"> of the {d.eventType} delivery</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <LoadMore pages={pages} label="Older deliveries" />
    </Panel>
  );
}

/** `datetime-local` values are local wall-clock times; the API takes instants. */
function localToIso(value: string): string {
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? value : t.toISOString();
}

function ReplayPanel({ endpointId }: { endpointId: string }) {
  const s = useSubmission();
  const { announce } = useFeedback();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body = { from: localToIso(formValue(f, 'from')), to: localToIso(formValue(f, 'to')) };
    void s.run(async () => {
      const r = await api.post<{ deliveries: number }>(`${WEBHOOKS_API}/endpoints/${endpointId}/replay`, body);
      announce(
        r.deliveries === 0
          ? 'No events of that time range match this endpoint.'
          : `${r.deliveries} event${r.deliveries === 1 ? '' : 's'} queued for delivery again.`,
      );
    });
  };
  return (
    <Panel
      title="Replay a time range"
      description="Every event in the range that matches the endpoint’s filters is delivered again, with its original webhook-id. At most 10,000 events."
    >
      <form ref={s.formRef} onSubmit={submit} noValidate className="stack" aria-label="Replay a time range">
        <FormError error={s.error} shown={['from', 'to']} />
        <div className="form-grid">
          <TextField label="From" name="from" type="datetime-local" required error={s.fields.from} />
          <TextField label="To (not included)" name="to" type="datetime-local" required error={s.fields.to} />
        </div>
        <div>
          <button type="submit" className="button secondary" disabled={s.busy}>
            {s.busy ? 'Replaying…' : 'Replay events'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="muted">No {label.toLowerCase()}.</p>;
  return <CodeBlock label={label} code={entries.map(([k, v]) => `${k}: ${v}`).join('\n')} />;
}

function DeliveryDetailPanel({ deliveryId }: { deliveryId: string }) {
  const delivery = useResource(
    (signal) => api.get<DeliveryDetail>(`${WEBHOOKS_API}/deliveries/${deliveryId}`, { signal }),
    [deliveryId],
  );
  const { busy, act } = useAction();
  const d = delivery.data;
  useEffect(() => {
    if (d?.status !== 'pending' || delivery.loading) return;
    const t = window.setTimeout(delivery.reload, POLL_MS);
    return () => window.clearTimeout(t);
  }, [d, delivery.loading, delivery.reload]);

  const redeliver = () =>
    void act(async () => {
      const next = await api.post<DeliveryDetail>(`${WEBHOOKS_API}/deliveries/${deliveryId}/redeliver`);
      delivery.setData(() => next);
    }, 'Redelivery queued.');

  if (delivery.loading && !d) return <Loading label="Loading the delivery…" />;
  if (delivery.error) return <LoadError error={delivery.error} onRetry={delivery.reload} />;
  if (!d) return null;
  return (
    <>
      <Panel
        title="Delivery"
        actions={
          <span className="button-row">
            <button type="button" className="button secondary small" onClick={delivery.reload}>
              Refresh
            </button>
            <button type="button" className="button primary small" onClick={redeliver} disabled={busy}>
              {busy ? 'Redelivering…' : 'Redeliver'}
            </button>
          </span>
        }
      >
        <dl className="details">
          <div>
            <dt>Event type</dt>
            <dd>
              <code>{d.eventType}</code>
            </dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              <Badge tone={STATUS[d.status].tone}>{STATUS[d.status].label}</Badge>
            </dd>
          </div>
          <div>
            <dt>webhook-id</dt>
            <dd>
              <code>{d.eventId}</code>
            </dd>
          </div>
          <div>
            <dt>Occurred</dt>
            <dd>
              <time dateTime={d.occurredAt}>{formatDateTime(d.occurredAt)}</time>
            </dd>
          </div>
          <div>
            <dt>Attempts</dt>
            <dd>{d.attempts}</dd>
          </div>
          <div>
            <dt>Next attempt</dt>
            <dd>
              {d.nextAttemptAt ? <time dateTime={d.nextAttemptAt}>{formatDateTime(d.nextAttemptAt)}</time> : 'None'}
            </dd>
          </div>
        </dl>
        <h3 className="subheader">Payload</h3>
        <CodeBlock label="Delivery payload" code={JSON.stringify(d.payload, null, 2)} />
      </Panel>
      <Panel title="Attempts" description="Newest last. Bodies are cut at 2 KB.">
        {d.attemptLog.length === 0 ? (
          <p className="empty">No attempt yet{d.status === 'pending' ? ': the first one is on its way.' : '.'}</p>
        ) : (
          <ol className="attempt-list">
            {d.attemptLog.map((a) => (
              <li key={a.attempt}>
                <section aria-labelledby={`attempt-${a.attempt}`}>
                  <h3 id={`attempt-${a.attempt}`} className="subheader">
                    Attempt {a.attempt}: {a.responseStatus !== null ? `answered ${a.responseStatus}` : 'no answer'} in{' '}
                    {a.durationMs} ms
                  </h3>
                  <p className="muted">
                    Started <time dateTime={a.startedAt}>{formatDateTime(a.startedAt)}</time>
                  </p>
                  {a.error && (
                    <p className="warning-text">
                      <strong>Error:</strong> {a.error}
                    </p>
                  )}
                  <h4>Request</h4>
                  <Headers headers={a.requestHeaders} label={`Request headers of attempt ${a.attempt}`} />
                  <CodeBlock label={`Request body of attempt ${a.attempt}`} code={a.requestBody} />
                  <h4>Response</h4>
                  <Headers headers={a.responseHeaders} label={`Response headers of attempt ${a.attempt}`} />
                  {a.responseBody ? (
                    <CodeBlock label={`Response body of attempt ${a.attempt}`} code={a.responseBody} />
                  ) : (
                    <p className="muted">Empty response body.</p>
                  )}
                </section>
              </li>
            ))}
          </ol>
        )}
      </Panel>
    </>
  );
}
