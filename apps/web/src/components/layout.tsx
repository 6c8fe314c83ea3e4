/** Shared page pieces: the mark, page headings (which own the document title and focus), panels, badges. */
import { useEffect, useRef, type ReactNode } from 'react';
import { errorMessage } from '../api';
import { formatDateTime } from '../format';
import { useCachedReadAt } from '../hooks';
import { hasNavigated } from '../router';

export function Logo({ size = 32 }: { size?: number }) {
  return <img src="/icons/favicon.svg" width={size} height={size} alt="" className="logo" />;
}

/**
 * The page's h1. Sets the document title and moves focus to the heading when the page opens, so screen
 * reader and keyboard users start at the new content after a navigation.
 */
export function PageHeader({ title, lead, actions }: { title: string; lead?: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Akashic Intelligence`;
    // After a navigation, focus the heading unless the user is already working inside the page.
    if (!hasNavigated()) return;
    const active = document.activeElement;
    if (!active || active === document.body || !document.getElementById('main')?.contains(active)) {
      ref.current?.focus({ preventScroll: true });
    }
  }, [title]);
  return (
    <div className="page-header">
      <div>
        <h1 ref={ref} tabIndex={-1}>
          {title}
        </h1>
        {lead && <p className="lead">{lead}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

export function Panel({
  title,
  id,
  children,
  description,
  actions,
}: {
  title: string;
  id?: string;
  children: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="panel-header">
        <div>
          <h2 id={headingId}>{title}</h2>
          {description && <p className="muted">{description}</p>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Badge({ tone, children }: { tone: 'green' | 'grey' | 'red' | 'amber' | 'blue'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="form-error" role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" className="button secondary small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * Says that what a page shows came from this device's offline copy, and from when; the read is made again once the
 * device is back online (`reload`). Nothing while the network answers.
 */
export function CachedNotice({ url, what, reload }: { url: string; what: string; reload?: () => void }) {
  const at = useCachedReadAt(url, reload);
  const when = at ? new Date(at) : null;
  if (!when || Number.isNaN(when.getTime())) return null;
  return (
    <p className="notice notice-info" role="status">
      You are offline: {what} as of <time dateTime={when.toISOString()}>{formatDateTime(when.toISOString())}</time>,
      saved on this device. It updates when the connection is back.
    </p>
  );
}

/** A table that scrolls sideways on narrow screens; the scroll region is focusable so keyboards can scroll it. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** The button under a paginated list that loads the next page, and the error if that failed. */
export function LoadMore({
  pages,
  label = 'Load more',
}: {
  pages: { hasMore: boolean; loadMore: () => void; busy: boolean; error: unknown };
  label?: string;
}) {
  return (
    <>
      {pages.error ? <LoadError error={pages.error} onRetry={pages.loadMore} /> : null}
      {pages.hasMore && (
        <div className="load-more">
          <button type="button" className="button secondary" onClick={pages.loadMore} disabled={pages.busy}>
            {pages.busy ? 'Loading…' : label}
          </button>
        </div>
      )}
    </>
  );
}

/** The header of a table's last column, which holds each row's buttons. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="sr-only">Actions</span>
    </th>
  );
}

/** A person's name (marked when it is the viewer) and email, as the first two cells of a table row. */
export function PersonCells({ name, email, isSelf }: { name: string; email: string; isSelf: boolean }) {
  return (
    <>
      <td data-label="Name">
        <strong>{name}</strong>
        {isSelf && <span className="muted"> (you)</span>}
      </td>
      <td data-label="Email">{email}</td>
    </>
  );
}
