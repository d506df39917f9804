// The one way a failed zod parse becomes text for a user: every issue as `path: message`, on one line, because
// these messages end up inside one-line errors (API replies, settings and mcp.json problems) rather than a terminal.
import type { z } from 'zod';

/** `a.b: Invalid input; c: Required`, naming `whole` when an issue is about the value itself. */
export function describeIssues(error: z.ZodError, whole = 'input'): string {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`).join('; ');
}
