// Handler types derived from the contract: each domain implements exactly its own methods.
import type { z } from 'zod';
import type { MethodSpec } from '../../../shared/api/method';
import type { Services } from '../services';
import type { Automation } from '../schedule/automation';

/** Handlers for a table of method specs; each receives its input already parsed (defaults applied). */
export type HandlersFor<T extends Record<string, MethodSpec<z.ZodType, z.ZodType>>> = {
  [M in keyof T]: (input: z.output<T[M]['input']>) => Promise<z.output<T[M]['output']>>;
};

/** What the contract's handlers work with: the services, and automation for schedules and maintenance. */
export type HandlerDeps = Services & { automation: Automation };
