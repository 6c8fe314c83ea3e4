/**
 * The API reference, rendered from the server's own OpenAPI document (GET /api/openapi.json): operations grouped by
 * tag, each with its parameters, body and response types, who may call it, and a curl example for this server.
 */
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { Badge, LoadError, Loading, Panel } from '../../components/layout';
import { useResource } from '../../hooks';
import { CodeBlock } from './CodeBlock';
import { curlExample, groupByTag, typeOf, type OpenApiDocument, type Operation } from './openapi';

const AUTH = {
  public: 'No credential needed',
  user: 'A signed-in person (session or personal token)',
  org: 'A member, personal token or API key of the organization',
} as const;

export function ApiReference() {
  const doc = useResource((signal) => api.get<OpenApiDocument>('/api/openapi.json', { signal, session: false }), []);
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => (doc.data ? groupByTag(doc.data) : []), [doc.data]);
  const needle = filter.trim().toLowerCase();
  const shown = groups
    .map((g) => ({
      ...g,
      operations: g.operations.filter((o) =>
        `${o.method} ${o.path} ${o.summary} ${o.id} ${g.tag}`.toLowerCase().includes(needle),
      ),
    }))
    .filter((g) => g.operations.length > 0);

  if (doc.loading && !doc.data) return <Loading label="Loading the API reference…" />;
  if (doc.error || !doc.data) return <LoadError error={doc.error} onRetry={doc.reload} />;
  return (
    <>
      <Panel
        title={`${doc.data.info.title} ${doc.data.info.version}`}
        description={doc.data.info.description}
        actions={
          <a className="button secondary small" href="/api/openapi.json" download="akashic-openapi.json">
            Download OpenAPI
          </a>
        }
      >
        <div className="field">
          <label htmlFor="api-filter">Find an operation</label>
          <input
            id="api-filter"
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="e.g. campaigns, POST, api-keys"
            autoComplete="off"
          />
        </div>
        <nav aria-label="API tags" className="tag-index">
          <ul className="chips">
            {shown.map((g) => (
              <li key={g.tag}>
                <a href={`#tag-${slug(g.tag)}`}>
                  {g.tag} <span className="muted">({g.operations.length})</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {shown.length === 0 && <p className="empty">No operation matches “{filter}”.</p>}
      </Panel>
      {shown.map((g) => (
        <section key={g.tag} className="panel api-tag" aria-labelledby={`tag-${slug(g.tag)}`}>
          <h2 id={`tag-${slug(g.tag)}`} tabIndex={-1}>
            {g.tag}
          </h2>
          {g.operations.map((o) => (
            <OperationDetails key={o.id} op={o} />
          ))}
        </section>
      ))}
    </>
  );
}

function OperationDetails({ op }: { op: Operation }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="api-op" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className={`method method-${op.method.toLowerCase()}`}>{op.method}</span>
        <code className="api-path">{op.path}</code>
        <span className="api-summary">{op.summary}</span>
      </summary>
      {open && (
        <div className="api-op-body">
          {op.description && <p>{op.description}</p>}
          <p>
            <Badge tone={op.auth === 'public' ? 'grey' : 'blue'}>{AUTH[op.auth]}</Badge>{' '}
            {op.action && (
              <span className="muted">
                Permission (scope): <code>{op.action}</code>
              </span>
            )}{' '}
            <span className="muted">
              Operation id: <code>{op.id}</code>
            </span>
          </p>
          {op.parameters.length > 0 && (
            <>
              <h3>Parameters</h3>
              <ul className="api-params">
                {op.parameters.map((p) => (
                  <li key={`${p.in}:${p.name}`}>
                    <code>{p.name}</code>{' '}
                    <span className="muted">
                      ({p.in}
                      {p.required ? ', required' : ''})
                    </span>
                    : <code>{typeOf(p.schema)}</code>
                    {p.description && <span className="muted"> — {p.description}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {op.body && (
            <>
              <h3>
                Request body <span className="muted">({op.body.type})</span>
              </h3>
              <pre className="api-type" tabIndex={0} aria-label={`Request body of ${op.id}`}>
                <code>{op.body.type === 'application/json' ? typeOf(op.body.schema) : 'the file, as is'}</code>
              </pre>
            </>
          )}
          <h3>
            Response <span className="muted">({op.success.status})</span>
          </h3>
          <pre className="api-type" tabIndex={0} aria-label={`Response of ${op.id}`}>
            <code>{op.success.schema ? typeOf(op.success.schema) : (op.success.type ?? 'no content')}</code>
          </pre>
          <p className="muted">
            Errors are <code>application/problem+json</code> with a stable <code>code</code>: {op.errors.join(', ')}.
          </p>
          <h3>Example</h3>
          <CodeBlock label={`curl example for ${op.id}`} code={curlExample(op, window.location.origin)} />
        </div>
      )}
    </details>
  );
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
