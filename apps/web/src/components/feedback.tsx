/**
 * Feedback that outlives a page: the live regions (status messages are announced politely, errors
 * assertively, and both are shown as a toast) and the confirmation dialog.
 */
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';

type Tone = 'success' | 'info' | 'error';
interface Notice {
  id: number;
  tone: Tone;
  text: string;
}

interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

interface FeedbackValue {
  announce: (text: string, tone?: Tone) => void;
  confirm: (req: ConfirmRequest) => Promise<boolean>;
}

const FeedbackContext = createContext<FeedbackValue | null>(null);

export function useFeedback(): FeedbackValue {
  const v = useContext(FeedbackContext);
  if (!v) throw new Error('useFeedback outside <FeedbackProvider>');
  return v;
}

let nextId = 1;

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const [pending, setPending] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);

  const announce = useCallback((text: string, tone: Tone = 'success') => {
    setNotice({ id: nextId++, tone, text });
  }, []);

  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(() => setNotice((n) => (n?.id === notice.id ? null : n)), notice.tone === 'error' ? 10_000 : 6_000);
    return () => window.clearTimeout(t);
  }, [notice]);

  const confirm = useCallback(
    (req: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        setPending({ ...req, resolve });
      }),
    [],
  );

  const close = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };

  const polite = notice && notice.tone !== 'error' ? notice : null;
  const assertive = notice?.tone === 'error' ? notice : null;

  return (
    <FeedbackContext.Provider value={{ announce, confirm }}>
      {children}
      <div className="toasts">
        <div role="status" aria-live="polite" aria-atomic="true">
          {polite && <Toast key={polite.id} notice={polite} onClose={() => setNotice(null)} />}
        </div>
        <div role="alert" aria-live="assertive" aria-atomic="true">
          {assertive && <Toast key={assertive.id} notice={assertive} onClose={() => setNotice(null)} />}
        </div>
      </div>
      {pending && <ConfirmDialog request={pending} onClose={close} />}
    </FeedbackContext.Provider>
  );
}

function Toast({ notice, onClose }: { notice: Notice; onClose: () => void }) {
  return (
    <div className={`toast toast-${notice.tone}`}>
      <span>{notice.text}</span>
      <button type="button" className="toast-close" onClick={onClose} aria-label="Dismiss message">
        ×
      </button>
    </div>
  );
}

function ConfirmDialog({ request, onClose }: { request: ConfirmRequest; onClose: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
    >
      <h2 id={titleId}>{request.title}</h2>
      <div id={bodyId} className="dialog-body">
        {request.body}
      </div>
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => onClose(false)} autoFocus>
          Cancel
        </button>
        <button type="button" className={`button ${request.danger ? 'danger' : 'primary'}`} onClick={() => onClose(true)}>
          {request.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
