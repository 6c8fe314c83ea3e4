/** Where the developer portal lives (its own module, so the console's router does not load the portal to know it). */
export const DEVELOPERS_PATH = '/developers';
