/**
 * What the credential pages share (API tokens, API keys, webhook endpoints): the panel that shows a new secret the one
 * time it exists, and the checkbox pickers of scopes and event filters.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Resource } from '../hooks';
import { useFeedback } from './feedback';
import { Badge, LoadError, Loading } from './layout';

/**
 * A secret shown once: the heading takes focus, the secret is copied to the clipboard (or selected, where the browser
 * refuses), and the panel stays until the person says they have saved it. `id` names the secret's input, whose
 * accessible name is `label`; `note` goes before the secret, `usage` after it.
 */
export function SecretOnce({
  id,
  label,
  title,
  secret,
  warning,
  note,
  usage,
  onDone,
}: {
  id: string;
  label: string;
  title: string;
  secret: string;
  warning: ReactNode;
  note?: ReactNode;
  usage?: ReactNode;
  onDone: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const { announce } = useFeedback();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    heading.current?.focus();
    setCopied(false);
  }, [secret]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
      announce(`${label} copied to the clipboard.`);
    } catch {
      // No clipboard access (permissions, insecure context): select it so the person can copy by hand.
      input.current?.select();
      announce('Could not copy automatically. The secret is selected: press Ctrl+C (or ⌘C) to copy it.', 'info');
    }
  };

  return (
    <section className="secret-panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p className="warning-text">{warning}</p>
      {note && <p>{note}</p>}
      <div className="secret-row">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <input
          id={id}
          ref={input}
          className="secret"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button primary" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy secret'}
        </button>
      </div>
      {usage && <p className="muted">{usage}</p>}
      <button type="button" className="button secondary" onClick={onDone}>
        I have saved the secret
      </button>
    </section>
  );
}

/** One checkbox of a picker: a value (a scope, an event filter) and what it means. */
export interface Choice {
  value: string;
  description: string;
}

/** The choices as a list of checkboxes, each described by its description; ids start with `idPrefix`. */
export function ChoiceList({
  idPrefix,
  choices,
  selected,
  onChange,
}: {
  idPrefix: string;
  choices: Choice[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}) {
  const toggle = (value: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(value);
    else next.delete(value);
    onChange(next);
  };
  return (
    <ul className="scope-list">
      {choices.map(({ value, description }) => {
        const id = `${idPrefix}-${value.replace(/[^a-z0-9]+/gi, '-')}`;
        return (
          <li key={value}>
            <input
              type="checkbox"
              id={id}
              checked={selected.has(value)}
              onChange={(e) => toggle(value, e.target.checked)}
              aria-describedby={`${id}-desc`}
            />
            <label htmlFor={id}>
              <code>{value}</code>
            </label>
            <span className="scope-desc" id={`${id}-desc`}>
              {description}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A picker's fieldset: legend, hint, then its choices once `resource` has loaded (`children`), and the field's
 * error under them.
 */
export function ChoiceFieldset<T>({
  idPrefix,
  legend,
  hint,
  resource,
  loadingLabel,
  error,
  children,
}: {
  idPrefix: string;
  legend: string;
  hint: ReactNode;
  resource: Pick<Resource<T>, 'data' | 'loading' | 'error' | 'reload'>;
  loadingLabel: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <fieldset
      className={`scopes${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${idPrefix}-error` : `${idPrefix}-hint`}
    >
      <legend>{legend}</legend>
      <p className="hint" id={`${idPrefix}-hint`}>
        {hint}
      </p>
      {resource.loading && !resource.data ? (
        <Loading label={loadingLabel} />
      ) : resource.error ? (
        <LoadError error={resource.error} onRetry={resource.reload} />
      ) : (
        children
      )}
      {error && (
        <p className="field-error" id={`${idPrefix}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A scope the server offers: a Cedar action and its description. */
export interface Scope {
  action: string;
  description: string;
}

/** The scopes of a token or key: every scope `scopes` offers, with "Select all" and "Clear". */
export function ScopePicker({
  idPrefix,
  hint,
  scopes,
  selected,
  onChange,
  error,
}: {
  idPrefix: string;
  hint: ReactNode;
  scopes: Resource<{ scopes: Scope[] }>;
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  error: string | undefined;
}) {
  const all = (scopes.data?.scopes ?? []).map((s) => ({ value: s.action, description: s.description }));
  return (
    <ChoiceFieldset
      idPrefix={idPrefix}
      legend="Scopes"
      hint={hint}
      resource={scopes}
      loadingLabel="Loading scopes…"
      error={error}
    >
      <div className="scope-tools">
        <button type="button" className="button link" onClick={() => onChange(new Set(all.map((x) => x.value)))}>
          Select all
        </button>
        <button type="button" className="button link" onClick={() => onChange(new Set())}>
          Clear
        </button>
      </div>
      <ChoiceList idPrefix={idPrefix} choices={all} selected={selected} onChange={onChange} />
    </ChoiceFieldset>
  );
}

const CREDENTIAL_STATUS = {
  active: { tone: 'green', label: 'Active' },
  expired: { tone: 'amber', label: 'Expired' },
  revoked: { tone: 'grey', label: 'Revoked' },
} as const;

/** A token's or key's state as a badge. */
export function CredentialStatus({ status }: { status: keyof typeof CREDENTIAL_STATUS }) {
  const s = CREDENTIAL_STATUS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
