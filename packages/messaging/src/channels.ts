export const CHANNELS = ['email', 'sms', 'social', 'ad', 'mail', 'call_script', 'door_script'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels that carry the "Paid for by …" disclaimer unless a campaign configures others. */
export const DEFAULT_DISCLAIMER_CHANNELS: readonly Channel[] = ['ad', 'mail'];
