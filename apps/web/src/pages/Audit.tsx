/** The audit log: newest first, filterable, with cursor pagination. */
import type { AuditEntry, Page } from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { FormError, TextField, formValue, useSubmission } from '../components/forms';
import { LoadError, LoadMore, Loading, PageHeader, Panel, TableWrap } from '../components/layout';
import { formatDateTime, shorten } from '../format';
import { usePages } from '../hooks';
import { useSession } from '../session';

interface Filters {
  actorId: string;
  action: string;
  targetType: string;
  /** yyyy-mm-dd from the date inputs, interpreted in the viewer's time zone */
  from: string;
  to: string;
}

const EMPTY: Filters = { actorId: '', action: '', targetType: '', from: '', to: '' };
const PAGE_SIZE = 50;

/**
 * A local calendar date → the instant its day starts. The API's `from` is inclusive and `to` exclusive, so the
 * "To" date is sent as the start of the following day: both chosen days are included.
 */
function dayStart(date: string, plusDays = 0): string | undefined {
  if (!date) return undefined;
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function toQuery(f: Filters, cursor?: string) {
  return {
    limit: PAGE_SIZE,
    cursor,
    actorId: f.actorId.trim() || undefined,
    action: f.action.trim() || undefined,
    targetType: f.targetType.trim() || undefined,
    from: dayStart(f.from),
    to: dayStart(f.to, 1),
  };
}

export function AuditPage() {
  const { isAdmin } = useSession();
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Audit log" />
        <p className="notice notice-info">Only owners and admins can read the audit log of this organization.</p>
      </>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const filterForm = useSubmission();
  const pages = usePages(
    (cursor, signal) => api.get<Page<AuditEntry>>('/api/v1/audit', { query: toQuery(filters, cursor), signal }),
    [filters],
  );
  const { first, items: entries } = pages;

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next: Filters = {
      actorId: formValue(f, 'actorId'),
      action: formValue(f, 'action'),
      targetType: formValue(f, 'targetType'),
      from: formValue(f, 'from'),
      to: formValue(f, 'to'),
    };
    if (next.from && next.to && next.from > next.to) {
      filterForm.setError(new Error('The “From” date must be on or before the “To” date.'));
      return;
    }
    filterForm.setError(null);
    setFilters(next);
    if (JSON.stringify(next) === JSON.stringify(filters)) first.reload();
  };

  const clear = () => {
    filterForm.formRef.current?.reset();
    filterForm.setError(null);
    setFilters(EMPTY);
  };

  // Validation errors of the query (e.g. a malformed actor id) belong next to the filter inputs.
  const qf = first.error instanceof ApiError ? first.error.fields : {};
  const active = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeader
        title="Audit log"
        lead="Every change in this organization, newest first. Entries are hash-chained: each one seals the one before it."
      />
      <Panel title="Filters">
        <form
          ref={filterForm.formRef}
          onSubmit={apply}
          noValidate
          className="filters"
          aria-label="Filter the audit log"
        >
          <FormError error={filterForm.error} />
          <TextField
            label="Actor ID"
            name="actorId"
            autoComplete="off"
            spellCheck={false}
            placeholder="User or token id"
            error={qf.actorId}
          />
          <TextField
            label="Action"
            name="action"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. member.invited"
            error={qf.action}
          />
          <TextField
            label="Target type"
            name="targetType"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. member"
            error={qf.targetType}
          />
          <TextField label="From" name="from" type="date" error={qf.from} />
          <TextField label="To" name="to" type="date" error={qf.to} />
          <div className="filter-actions">
            <button type="submit" className="button primary">
              Apply filters
            </button>
            <button type="button" className="button secondary" onClick={clear} disabled={!active}>
              Clear
            </button>
          </div>
        </form>
      </Panel>

      <Panel
        title="Entries"
        description={
          first.loading || first.error
            ? undefined
            : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} shown${pages.hasMore ? ' (more available)' : ''}${active ? ', filtered' : ''}`
        }
      >
        {first.loading ? (
          <Loading label="Loading the audit log…" />
        ) : first.error ? (
          <LoadError
            error={first.error}
            // A rejected filter needs fixing, not retrying; its field errors are shown next to the filters.
            onRetry={first.error instanceof ApiError && first.error.status === 400 ? undefined : first.reload}
          />
        ) : entries.length === 0 ? (
          <p className="empty">{active ? 'No entries match these filters.' : 'No entries yet.'}</p>
        ) : (
          <>
            <TableWrap label="Audit entries table">
              <table className="table audit-table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Request ID</th>
                    <th scope="col">IP</th>
                    <th scope="col">Hash</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.id}>
                      <td data-label="Time" className="nowrap">
                        <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
                      </td>
                      <td data-label="Actor">
                        {e.actor.label ?? (e.actor.type === 'system' ? 'System' : shorten(e.actor.id))}
                        {e.actor.type !== 'user' && <span className="muted"> ({e.actor.type})</span>}
                      </td>
                      <td data-label="Action">
                        <code>{e.action}</code>
                      </td>
                      <td data-label="Target">
                        {e.target.type}
                        {e.target.id && (
                          <span className="muted" title={e.target.id}>
                            {' '}
                            {shorten(e.target.id)}
                          </span>
                        )}
                      </td>
                      <td data-label="Request ID">
                        {e.requestId ? (
                          <code title={e.requestId}>{shorten(e.requestId, 8)}</code>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td data-label="IP">{e.ip ?? <span className="muted">—</span>}</td>
                      <td data-label="Hash">
                        <code title={e.hash}>{e.hash.slice(0, 12)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <LoadMore pages={pages} />
          </>
        )}
      </Panel>
    </>
  );
}
