// One API method: its input and output schemas and a line of documentation.
import type { z } from 'zod';

export interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** One line for people reading the contract (and the CLI's help). */
  doc: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string): MethodSpec<I, O> {
  return { input, output, doc };
}

