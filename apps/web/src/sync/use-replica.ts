/**
 * React's side of the sync hub: `useReplica(campaignId)` opens (lazily) the campaign's replica on this device and
 * re-renders on every change to it, so a screen reads the replica's view (server state with this device's pending
 * changes on top) and records changes through `mutate`, online or not.
 */
import type { Replica } from '@akashic/sync';
import { useEffect, useState } from 'react';
import { useSession } from '../session';
import type { ReplicaHandle } from './hub';

export type ReplicaState =
  | { state: 'opening' }
  | { state: 'failed'; error: unknown }
  /** `synced`: a pull has completed on this device at least once (before it, the view is empty, not "nothing"). */
  | { state: 'ready'; handle: ReplicaHandle; replica: Replica; synced: boolean; version: number };

/** `enabled` false holds the replica back (still `opening`), e.g. until a screen has painted what it has at hand. */
export function useReplica(campaignId: string, enabled = true): ReplicaState {
  const { me, org } = useSession();
  const userId = me.user.id;
  const [s, setS] = useState<ReplicaState>({ state: 'opening' });
  const orgId = org?.id ?? null;
  useEffect(() => {
    if (!orgId || !enabled) return;
    let cancelled = false;
    let unsubscribe = () => {};
    setS({ state: 'opening' });
    import('./hub')
      .then(({ replicaFor }) => replicaFor({ orgId, userId, campaignId }))
      .then((handle) => {
        if (cancelled) return;
        const { replica } = handle;
        let version = 0;
        const update = () => setS({ state: 'ready', handle, replica, synced: replica.hasSynced, version: ++version });
        unsubscribe = replica.subscribe(update);
        update();
      })
      .catch((error: unknown) => {
        if (!cancelled) setS({ state: 'failed', error });
      });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [orgId, userId, campaignId, enabled]);
  return s;
}
