/** "A new version is available": shown while a new service worker waits, on every page, signed in or not. */
import { applyUpdate, useUpdateWaiting } from '../pwa';

export function UpdatePrompt() {
  const waiting = useUpdateWaiting();
  if (!waiting) return null;
  return (
    <div className="update-prompt" role="status">
      <span>A new version of Akashic is available.</span>
      <button type="button" className="button primary" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  );
}
