/** A code sample with a copy button (the text is selected when the clipboard is unavailable). */
import { useRef, useState } from 'react';
import { useFeedback } from '../../components/feedback';

export function CodeBlock({ code, label }: { code: string; label: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const { announce } = useFeedback();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
      announce(`${label} copied to the clipboard.`);
    } catch {
      const range = document.createRange();
      if (pre.current) range.selectNodeContents(pre.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      announce('Could not copy automatically: the code is selected, copy it by hand.', 'info');
    }
  };
  return (
    <div className="code-block">
      <pre ref={pre} tabIndex={0} aria-label={label}>
        <code>{code}</code>
      </pre>
      <button type="button" className="button secondary small" onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy'}
        <span className="sr-only"> {label}</span>
      </button>
    </div>
  );
}
