/** V8 flags the API server runs with; see node-flags.mjs. */
export declare const SERVER_NODE_FLAGS: readonly string[];
