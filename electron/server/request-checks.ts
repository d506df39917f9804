// What browser mode checks before it looks at a request: the Host (DNS-rebinding defence), a well-formed path, and
// which HTTP status an error becomes (the user's mistakes are 4xx, never 500).
import type http from 'node:http';

export interface RequestRejection {
  status: number;
  code: string;
  message: string;
}

/** A request that passed the entry checks: its decoded path, safe to route and to join under a folder. */
export interface CheckedRequest {
  url: URL;
  /** Decoded path: no NUL, no backslash, no `.` or `..` segment. */
  path: string;
}

/**
 * Host values we answer to. A page on evil.example whose DNS name is rebound to 127.0.0.1 reaches our port with
 * `Host: evil.example`; only our own names with our port (and the dev server's) are served.
 */
export function allowedHosts(port: number, extraOrigins: readonly string[] = []): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  for (const origin of extraOrigins) {
    try {
      hosts.add(new URL(origin).host.toLowerCase());
    } catch {
      // An extra origin that is not a URL allows no host.
    }
  }
  return hosts;
}

/** Checks Host and path of a request; returns what to answer when it is refused. */
export function checkRequest(req: http.IncomingMessage, hosts: ReadonlySet<string>): CheckedRequest | RequestRejection {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) {
    return { status: 403, code: 'forbidden-host', message: 'This server answers only to 127.0.0.1, localhost and [::1] on its own port.' };
  }
  const raw = req.url ?? '';
  // Origin-form only: an absolute URL or `*` in the request line is not something a browser sends us.
  if (!raw.startsWith('/') || raw.startsWith('//')) return badPath();
  let url: URL;
  try {
    url = new URL(raw, `http://${host}`);
  } catch {
    return badPath(); // the client is told its path is bad; there is nothing else to keep
  }
  let decoded: string;
  try {
    // The raw path, not url.pathname: the URL parser quietly resolves `%2e%2e`, which must be refused, not routed.
    decoded = decodeURIComponent(raw.split(/[?#]/, 1)[0]);
  } catch {
    return badPath(); // malformed percent-encoding: refused like any other bad path
  }
  if (/[\0\\]/.test(decoded) || decoded.split('/').some((segment) => segment === '..' || segment === '.')) return badPath();
  return { url, path: decoded };
}

export function isRejection(value: CheckedRequest | RequestRejection): value is RequestRejection {
  return 'status' in value;
}

function badPath(): RequestRejection {
  // The path is not echoed: the answer says what is wrong, never where anything lives.
  return { status: 400, code: 'bad-path', message: 'The request path is malformed (bad %-encoding, NUL, backslash or a . / .. segment).' };
}

/** Error codes that are the caller's to fix, and the status each answers with. */
const CLIENT_ERRORS: Record<string, number> = {
  'invalid-input': 400,
  'mcp-config': 400,
  'graph-format-error': 400,
  'not-found': 404,
  'page-not-found-error': 404,
  'skill-exists': 409,
  'page-exists-error': 409,
  'page-alias-taken-error': 409,
  'graph-conflict-error': 409,
  // GraphConflictError and GraphBusyError carry these codes: the page changed or is being written in Logseq.
  'graph-conflict': 409,
  'graph-busy': 409,
  'page-too-large': 400,
};

/** The HTTP status for an error crossing the wire: 4xx for what the caller can fix, 500 for the rest. */
export function statusForError(code: string): number {
  return CLIENT_ERRORS[code] ?? 500;
}
