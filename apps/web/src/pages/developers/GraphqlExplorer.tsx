/**
 * A GraphQL explorer over POST /api/graphql with the console's session and organization: the schema's root fields
 * and types listed (from introspection, when the server allows it), a query editor with variables, and the result.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, api, errorMessage } from '../../api';
import { LoadError, Loading, Panel } from '../../components/layout';
import { useResource } from '../../hooks';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface Field {
  name: string;
  description: string | null;
  args: { name: string; type: TypeRef }[];
  type: TypeRef;
}
interface SchemaType {
  kind: string;
  name: string;
  description: string | null;
  fields: Field[] | null;
}
interface Introspection {
  __schema: {
    queryType: { name: string } | null;
    mutationType: { name: string } | null;
    types: SchemaType[];
  };
}
interface GraphqlResult {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECTION = `query Explorer {
  __schema {
    queryType { name }
    mutationType { name }
    types { kind name description fields { name description args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } }
  }
}`;

const STARTER = `query {
  getOrg {
    id
    name
    plan
  }
}`;

/** `[Campaign!]!`-style text for a type reference. */
export function typeName(t: TypeRef | null): string {
  if (!t) return '?';
  if (t.kind === 'NON_NULL') return `${typeName(t.ofType)}!`;
  if (t.kind === 'LIST') return `[${typeName(t.ofType)}]`;
  return t.name ?? '?';
}

const named = (t: TypeRef | null): string | null => (t?.ofType ? named(t.ofType) : (t?.name ?? null));

const post = (query: string, variables?: Record<string, unknown>) =>
  api.post<GraphqlResult>('/api/graphql', { query, ...(variables ? { variables } : {}) });

export function GraphqlExplorer() {
  const schema = useResource(async () => {
    try {
      const r = await post(INTROSPECTION);
      if (r.errors?.length) return { error: r.errors.map((e) => e.message).join('; ') };
      return { data: r.data as Introspection };
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) return { error: e.message };
      throw e;
    }
  }, []);
  const [query, setQuery] = useState(STARTER);
  const [variables, setVariables] = useState('');
  const [result, setResult] = useState<{ text: string; ok: boolean; ms: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [varsError, setVarsError] = useState<string | null>(null);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    let vars: Record<string, unknown> | undefined;
    if (variables.trim()) {
      try {
        vars = JSON.parse(variables) as Record<string, unknown>;
        setVarsError(null);
      } catch {
        setVarsError('Variables must be a JSON object.');
        return;
      }
    }
    setBusy(true);
    const started = performance.now();
    try {
      const r = await post(query, vars);
      setResult({ text: JSON.stringify(r, null, 2), ok: !r.errors?.length, ms: performance.now() - started });
    } catch (err) {
      const body = err instanceof ApiError ? err.problem : { message: errorMessage(err) };
      setResult({ text: JSON.stringify(body, null, 2), ok: false, ms: performance.now() - started });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="explorer">
      <Panel title="Query" description="Runs against /api/graphql as you, in this organization.">
        <form onSubmit={(e) => void run(e)} className="stack" aria-label="GraphQL query">
          <div className="field">
            <label htmlFor="gql-query">Query</label>
            <textarea
              id="gql-query"
              className="code-input"
              rows={12}
              spellCheck={false}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
              }}
            />
            <p className="hint">Ctrl+Enter (⌘Enter) runs it.</p>
          </div>
          <div className="field">
            <label htmlFor="gql-variables">Variables (JSON, optional)</label>
            <textarea
              id="gql-variables"
              className="code-input"
              rows={3}
              spellCheck={false}
              value={variables}
              aria-invalid={varsError ? true : undefined}
              aria-describedby={varsError ? 'gql-variables-error' : undefined}
              onChange={(e) => setVariables(e.target.value)}
            />
            {varsError && (
              <p className="field-error" id="gql-variables-error">
                <span aria-hidden="true">⚠ </span>
                {varsError}
              </p>
            )}
          </div>
          <div>
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Running…' : 'Run query'}
            </button>
          </div>
        </form>
        <div aria-live="polite">
          {result && (
            <>
              <h3>
                Result{' '}
                <span className="muted">
                  ({result.ok ? 'ok' : 'errors'}, {Math.round(result.ms)} ms)
                </span>
              </h3>
              <pre className={`api-type gql-result${result.ok ? '' : ' has-error'}`} tabIndex={0} aria-label="Result">
                <code>{result.text}</code>
              </pre>
            </>
          )}
        </div>
      </Panel>
      <Panel title="Schema" description="Click a field to start a query with it.">
        {schema.loading && !schema.data ? (
          <Loading label="Loading the schema…" />
        ) : schema.error ? (
          <LoadError error={schema.error} onRetry={schema.reload} />
        ) : schema.data?.error ? (
          <p className="muted">The schema cannot be listed here: {schema.data.error}</p>
        ) : (
          <SchemaList schema={schema.data!.data!} onPick={setQuery} />
        )}
      </Panel>
    </div>
  );
}

function SchemaList({ schema, onPick }: { schema: Introspection; onPick: (q: string) => void }) {
  const types = useMemo(() => new Map(schema.__schema.types.map((t) => [t.name, t])), [schema]);
  const roots = [
    { op: 'query', type: schema.__schema.queryType?.name },
    { op: 'mutation', type: schema.__schema.mutationType?.name },
  ].filter((r): r is { op: string; type: string } => !!r.type);
  const objects = schema.__schema.types.filter(
    (t) => t.kind === 'OBJECT' && !t.name.startsWith('__') && !roots.some((r) => r.type === t.name),
  );

  /** A starter document for a root field: its arguments as variables, scalar fields of its type selected. */
  const template = (op: string, f: Field) => {
    const args = f.args.map((a) => `$${a.name}: ${typeName(a.type)}`).join(', ');
    const pass = f.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const target = types.get(named(f.type) ?? '');
    const scalars = (target?.fields ?? []).filter((x) => {
      const kind = types.get(named(x.type) ?? '')?.kind;
      return kind === 'SCALAR' || kind === 'ENUM';
    });
    const selection = target?.fields
      ? ` {\n    ${(scalars.length ? scalars : target.fields.slice(0, 1)).map((x) => x.name).join('\n    ')}\n  }`
      : '';
    return `${op}${args ? ` (${args})` : ''} {\n  ${f.name}${pass ? `(${pass})` : ''}${selection}\n}`;
  };

  return (
    <div className="schema-list">
      {roots.map((r) => (
        <details key={r.op} open={r.op === 'query'}>
          <summary>
            {r.op === 'query' ? 'Queries' : 'Mutations'}{' '}
            <span className="muted">({types.get(r.type)?.fields?.length ?? 0})</span>
          </summary>
          <ul>
            {(types.get(r.type)?.fields ?? []).map((f) => (
              <li key={f.name}>
                <button type="button" className="button link" onClick={() => onPick(template(r.op, f))}>
                  <code>{f.name}</code>
                </button>
                <code className="muted">
                  ({f.args.map((a) => `${a.name}: ${typeName(a.type)}`).join(', ')}): {typeName(f.type)}
                </code>
                {f.description && <span className="scope-desc">{f.description}</span>}
              </li>
            ))}
          </ul>
        </details>
      ))}
      <details>
        <summary>
          Types <span className="muted">({objects.length})</span>
        </summary>
        <ul>
          {objects.map((t) => (
            <li key={t.name}>
              <code>{t.name}</code>
              <code className="muted">
                {' { '}
                {(t.fields ?? []).map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')}
                {' }'}
              </code>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
