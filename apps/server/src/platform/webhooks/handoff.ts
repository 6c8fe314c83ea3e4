/**
 * The hand-off from the webhook dispatcher to a webhook sender in the same process (a `worker` runs both). The
 * dispatcher creates the deliveries it can hand off already leased to this process (`next_attempt_at` = now + the
 * sender's lease, as a claim would have set it) and gives them, with their endpoints, to the sender once its
 * transaction committed: no claim, no second read, no NOTIFY round. Should the process die before they are
 * recorded, the lease runs out and any sender claims them, exactly as after a claim. Deliveries beyond the free
 * slots are created due now and claimed as usual.
 */

/** A delivery with what the sender needs to attempt it (the sender's DueRow). */
export interface HandedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  attempts: number;
  schedule_attempts: number;
  first_attempt_at: Date | null;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

export interface Reservation {
  /** Deliveries that may be created leased (at most). */
  slots: number;
  leaseMs: number;
  /** After commit: the leased deliveries created (at most `slots`); the other slots are freed. */
  hand(orgId: string, deliveries: HandedDelivery[]): void;
  /** The transaction failed: free every slot. */
  cancel(): void;
}

export interface LocalSender {
  /** Reserve up to `max` of the sender's free slots (none when it is stopping or busy). */
  reserve(max: number): Reservation | null;
}

const senders = new Set<LocalSender>();

export function registerLocalSender(sender: LocalSender): () => void {
  senders.add(sender);
  return () => void senders.delete(sender);
}

/** A reservation from a sender of this process with free slots, if any. */
export function reserveLocalSender(max: number): Reservation | null {
  for (const s of senders) {
    const r = s.reserve(max);
    if (r) return r;
  }
  return null;
}
