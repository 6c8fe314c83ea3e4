/**
 * A disclosure menu for the header: a button that opens a panel of links and buttons. Escape closes it and
 * returns focus to the button; clicking or tabbing outside closes it.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function Menu({
  label,
  buttonContent,
  children,
  align = 'end',
}: {
  /** Read by screen readers before the visible button content (which stays part of the name). */
  label?: string;
  buttonContent: ReactNode;
  children: (close: () => void) => ReactNode;
  align?: 'start' | 'end';
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onFocus = (e: FocusEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('focusin', onFocus);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('focusin', onFocus);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {label && <span className="sr-only">{label} </span>}
        {buttonContent}
        <span className="chevron" aria-hidden="true" />
      </button>
      <div id={panelId} className={`menu-panel menu-${align}`} hidden={!open}>
        {open && children(() => setOpen(false))}
      </div>
    </div>
  );
}
