/** The seeded generator is the forecast engine's: one implementation of the randomness every result reproduces from. */
export { createRng, type Rng } from '@akashic/forecast';
export * from './csv.js';
export * from './voter-file.js';
export * from './metrics.js';
export * from './features.js';
export * from './gbdt.js';
export * from './logistic.js';
export * from './turnout.js';
export * from './persuasion.js';
export * from './synthetic.js';
