export * from './replica.js';
export * from './storage.js';
export * from './walk.js';
