/**
 * Push notifications on this device: subscribe the service worker's push manager with the server's VAPID key and
 * register the subscription in the current organization; or undo both. The service worker shows what arrives
 * (src/sw/sw.ts).
 */
import type { PushSubscription as ServerSubscription, VapidPublicKey } from '@akashic/contracts';
import { api } from './api';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** Whether this device receives push notifications of the current organization. */
export async function pushState(registered: ServerSubscription[]): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const sub = await currentSubscription();
  return sub && registered.some((r) => r.endpoint === sub.endpoint) ? 'on' : 'off';
}

/** The browser endpoint of this device, to mark it in the list of devices. */
export async function thisDeviceEndpoint(): Promise<string | null> {
  return (await currentSubscription())?.endpoint ?? null;
}

/** Ask for permission, subscribe this browser and register it with the server. */
export async function enablePush(): Promise<ServerSubscription> {
  if (!pushSupported()) throw new Error('This browser cannot receive push notifications.');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error('Notifications are blocked for this site. Allow them in your browser’s site settings.');
  }
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await api.get<VapidPublicKey>('/api/v1/push/vapid-public-key');
  let sub = await registration.pushManager.getSubscription();
  // A subscription made for another server key cannot be reused.
  if (sub && !sameKey(sub.options.applicationServerKey, publicKey)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: fromBase64url(publicKey),
  });
  const json = sub.toJSON();
  return api.post<ServerSubscription>('/api/v1/push/subscriptions', {
    endpoint: json.endpoint,
    keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth },
    expirationTime: json.expirationTime ?? null,
    device: deviceLabel(),
  });
}

/**
 * Stop push on this device: remove its registration in the current organization and unsubscribe the browser (which
 * ends it for every organization: the push service forgets the endpoint).
 */
export async function disablePush(registered: ServerSubscription[]): Promise<void> {
  const sub = await currentSubscription();
  if (!sub) return;
  const mine = registered.find((r) => r.endpoint === sub.endpoint);
  if (mine) await api.delete(`/api/v1/push/subscriptions/${mine.id}`);
  await sub.unsubscribe();
}

/** On sign-out: the signed-out person's notifications must not keep arriving on this device. */
export async function unsubscribeThisDevice(): Promise<void> {
  const sub = await currentSubscription().catch(() => null);
  await sub?.unsubscribe().catch(() => false);
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function sameKey(given: ArrayBuffer | null, publicKey: string): boolean {
  if (!given) return false;
  const a = new Uint8Array(given);
  const b = fromBase64url(publicKey);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A short name for this browser and system, shown in the list of devices. */
function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'another system';
  return `${browser} on ${system}`;
}
