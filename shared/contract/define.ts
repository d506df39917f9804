// The building blocks of the API contract: a method is an input and an output schema, an event is a
// payload schema. Both hosts and the renderer derive their types and their validation from these.
import type { z } from 'zod';

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for the generated IPC surface listing and the README. */
  doc: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string): MethodDef<I, O> {
  return { input, output, doc };
}

/** A typed error that crosses the wire: `code` is stable, `message` is written for the user. */
export interface WireError {
  code: string;
  message: string;
  details?: unknown;
}
