/** Form building blocks: labelled fields with their errors, the form-level error, and submission state. */
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type InputHTMLAttributes,
  type RefObject,
  type ReactNode,
  type SelectHTMLAttributes,
} from 'react';
import { ApiError, errorMessage } from '../api';

export interface Submission {
  busy: boolean;
  error: unknown;
  /** Field errors from the last failure, keyed by input name. */
  fields: Record<string, string>;
  /** Runs the action; failures land in `error` (and focus the first invalid field, or the error summary). */
  run: (action: () => Promise<void>) => Promise<boolean>;
  setError: (e: unknown) => void;
  formRef: RefObject<HTMLFormElement | null>;
}

export function useSubmission(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const fields = error instanceof ApiError ? error.fields : {};

  useEffect(() => {
    if (!error || !formRef.current) return;
    const invalid = formRef.current.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? formRef.current.querySelector<HTMLElement>('.form-error'))?.focus();
  }, [error]);

  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, error, fields, run, setError, formRef };
}

/**
 * The form-level error. Shows the problem's `detail`, and any field errors that no input on the form
 * displays (`shown` lists the inputs that do).
 */
export function FormError({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const extra =
    error instanceof ApiError ? Object.entries(error.fields).filter(([k]) => !shown.includes(k)) : [];
  return (
    <div className="form-error" role="alert" tabIndex={-1}>
      <p>{errorMessage(error)}</p>
      {extra.length > 0 && (
        <ul>
          {extra.map(([k, m]) => (
            <li key={k}>
              <code>{k}</code>: {m}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface FieldShellProps {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined }) => ReactNode;
  className?: string;
}

function FieldShell({ label, error, hint, children, className }: FieldShellProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, describedBy })}
      {error && (
        <p className="field-error" id={errorId}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
  fieldClassName?: string;
};

export function TextField({ label, error, hint, fieldClassName, ...input }: InputProps) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={fieldClassName}>
      {({ id, describedBy }) => (
        <input
          id={id}
          type="text"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          {...input}
        />
      )}
    </FieldShell>
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: ReactNode;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
  fieldClassName?: string;
};

export function SelectField({ label, error, hint, fieldClassName, children, ...select }: SelectProps) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={fieldClassName}>
      {({ id, describedBy }) => (
        <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...select}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

/** The text value of a form field (FormData entries are strings for text inputs). */
export function formValue(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

/** A role picker in a table row: Save and Cancel appear once the choice differs from the current role. */
export function InlineRoleSelect<R extends string>({
  id,
  who,
  label,
  current,
  roles,
  labels,
  busy,
  onSave,
}: {
  id: string;
  /** Whose role it is (for the buttons' accessible names). */
  who: string;
  label: string;
  current: R;
  roles: readonly R[];
  labels: Readonly<Record<R, string>>;
  busy: boolean;
  onSave: (role: R) => void;
}) {
  const [role, setRole] = useState<R>(current);
  return (
    <div className="inline-edit">
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <select id={id} value={role} disabled={busy} onChange={(e) => setRole(e.target.value as R)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {labels[r]}
          </option>
        ))}
      </select>
      {role !== current && (
        <>
          <button type="button" className="button primary small" disabled={busy} onClick={() => onSave(role)}>
            Save<span className="sr-only"> role for {who}</span>
          </button>
          <button type="button" className="button secondary small" disabled={busy} onClick={() => setRole(current)}>
            Cancel<span className="sr-only"> role change for {who}</span>
          </button>
        </>
      )}
    </div>
  );
}
