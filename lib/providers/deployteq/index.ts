/** Deployteq: the description, the engine configuration, and the webhook call. */
export * from './description';
export * from './config';
export * from './webhook';

import { DEPLOYTEQ } from './description';

/** The scopes with their descriptions (kept for callers of the earlier API). */
export const DEPLOYTEQ_SCOPES: ReadonlyArray<{ value: string; description: string }> = DEPLOYTEQ.scopes.choices.map((c) => ({ value: c.value, description: c.description ?? c.label }));
