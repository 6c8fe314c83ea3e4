export * from './replica.js';
export * from './storage.js';
