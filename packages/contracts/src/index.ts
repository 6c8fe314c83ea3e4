export * from './common.js';
export * from './identity.js';
export * from './audit.js';
export * from './intelligence.js';
export * from './forecasts.js';
export * from './campaigns.js';
export * from './messaging.js';
export * from './voters.js';
