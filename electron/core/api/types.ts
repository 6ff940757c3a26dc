// Handler types derived from the contract: each domain implements exactly its own methods.
import type { z } from 'zod';
import type { MethodSpec } from '../../../shared/api/method';

/** Handlers for a table of method specs; each receives its input already parsed (defaults applied). */
export type HandlersFor<T extends Record<string, MethodSpec<z.ZodType, z.ZodType>>> = {
  [M in keyof T]: (input: z.output<T[M]['input']>) => Promise<z.output<T[M]['output']>>;
};
