/**
 * `fn`, run once at the end of this turn of the event loop however many times it is asked for meanwhile: what
 * arrives in one read (a burst of messages, of answers, of notifications) is handled together rather than one by one.
 */
export function coalesced(fn: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      fn();
    });
  };
}
