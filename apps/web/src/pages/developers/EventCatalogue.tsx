/** The webhook event catalogue: every event type an endpoint can subscribe to, its description and example body. */
import { useDeferredValue, useState } from 'react';
import { TextField } from '../../components/forms';
import { LoadError, Loading, Panel } from '../../components/layout';
import { CodeBlock } from './CodeBlock';
import { useEventTypes } from './Webhooks';

export function EventCatalogue() {
  const catalogue = useEventTypes();
  const [query, setQuery] = useState('');
  const q = useDeferredValue(query).trim().toLowerCase();
  const items = (catalogue.data?.items ?? []).filter(
    (t) => !q || t.type.toLowerCase().includes(q) || t.description.toLowerCase().includes(q),
  );
  return (
    <Panel
      title="Webhook event catalogue"
      description="Each delivery’s body is { type, timestamp, data }. Subscribe to exact types or to wildcards such as campaigns.*."
    >
      <TextField
        label="Search event types"
        name="q"
        type="search"
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {catalogue.loading && !catalogue.data ? (
        <Loading label="Loading event types…" />
      ) : catalogue.error ? (
        <LoadError error={catalogue.error} onRetry={catalogue.reload} />
      ) : (
        <>
          <p className="muted" role="status">
            {items.length} of {catalogue.data!.items.length} event types
          </p>
          <ul className="event-list">
            {items.map((t) => (
              <li key={t.type}>
                <h3 className="subheader break">
                  <code>{t.type}</code>
                </h3>
                <p>{t.description}</p>
                <CodeBlock label={`Example payload of ${t.type}`} code={JSON.stringify(t.example, null, 2)} />
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
