// Errors that carry what a user needs to act. The hosts send `code` and `message` over the wire; the
// UI shows the message as is, never a stack trace.

export class SkillgraphError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name; // every subclass is named after itself without repeating it
  }
}

/** Input the user can fix: a bad name, a missing folder, a malformed config. */
export class InvalidInputError extends SkillgraphError {
  constructor(message: string, details?: unknown) {
    super('invalid-input', message, details);
  }
}

export class NotFoundError extends SkillgraphError {
  constructor(message: string) {
    super('not-found', message);
  }
}

/** Turns anything thrown into the `{ code, message }` pair that crosses the wire. */
export function toWireError(error: unknown): { code: string; message: string; details?: unknown } {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; details?: unknown; name?: unknown };
    const message = typeof e.message === 'string' && e.message ? e.message : String(error);
    const code = typeof e.code === 'string' && /^[a-z][a-z0-9-]*$/.test(e.code) ? e.code : typeof e.name === 'string' && e.name !== 'Error' ? kebab(e.name) : 'error';
    return e.details === undefined ? { code, message } : { code, message, details: e.details };
  }
  return { code: 'error', message: String(error) };
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
