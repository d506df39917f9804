// OAuth for Streamable HTTP servers: the MCP authorization flow (protected-resource and authorization-server
// discovery, dynamic client registration, PKCE, refresh) is the SDK's `auth()`; this module supplies what the
// SDK leaves to the client: where credentials are kept (sealed in the data folder), how the user's browser is
// sent to the authorization page, and the loopback page the browser comes back to with the code.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { McpAuthError } from './errors';

/** Seals and opens the credentials file; the app passes one backed by the OS keychain (Electron safeStorage). */
export interface SecretBox {
  seal(plain: Buffer): Promise<Buffer>;
  open(sealed: Buffer): Promise<Buffer>;
}

/**
 * AES-256-GCM with a random key kept beside the credentials in a file only the user can read (0600). It keeps
 * tokens out of plain-text files, backups and support bundles that copy only `oauth/*.json`; it does not protect
 * them from other programs running as the same user, which an OS keychain (the desktop app's box) does.
 */
export class KeyFileSecretBox implements SecretBox {
  private key?: Promise<Buffer>;

  constructor(private readonly keyFile: string) {}

  async seal(plain: Buffer): Promise<Buffer> {
    const key = await this.loadKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from('SG1'), iv, cipher.getAuthTag(), body]);
  }

  async open(sealed: Buffer): Promise<Buffer> {
    if (sealed.subarray(0, 3).toString() !== 'SG1') throw new Error('not a Skillgraph credentials file');
    const key = await this.loadKey();
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(3, 15));
    decipher.setAuthTag(sealed.subarray(15, 31));
    return Buffer.concat([decipher.update(sealed.subarray(31)), decipher.final()]);
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      try {
        const key = await readFile(this.keyFile);
        if (key.length === 32) return key;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const key = randomBytes(32);
      await writePrivateFile(this.keyFile, key);
      return key;
    })();
    return this.key;
  }
}

/** What one server's sign-in keeps between processes. */
interface StoredCredentials {
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  codeVerifier?: string;
  discoveryState?: OAuthDiscoveryState;
}

/** Credentials of every server, one sealed file per server and URL under `<data>/oauth/`. */
export class OAuthCredentialStore {
  constructor(
    private readonly dir: string,
    private readonly box: SecretBox = new KeyFileSecretBox(path.join(dir, '.key')),
  ) {}

  async load(server: string, url: string): Promise<StoredCredentials> {
    try {
      return JSON.parse((await this.box.open(await readFile(this.file(server, url)))).toString('utf8')) as StoredCredentials;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      // A file sealed with another key (a copied data folder) or damaged is unusable: the user signs in again,
      // which replaces it; nothing else is kept in it. Said on stderr so a repeated sign-in has a visible cause.
      process.stderr.write(`skillgraph: OAuth credentials of server \`${server}\` could not be read (${error instanceof Error ? error.message : String(error)}); sign in again\n`);
      return {};
    }
  }

  async save(server: string, url: string, credentials: StoredCredentials): Promise<void> {
    await writePrivateFile(this.file(server, url), await this.box.seal(Buffer.from(JSON.stringify(credentials))));
  }

  async forget(server: string, url: string): Promise<void> {
    await rm(this.file(server, url), { force: true });
  }

  private file(server: string, url: string): string {
    const id = createHash('sha256').update(`${server}\n${url}`).digest('hex').slice(0, 16);
    return path.join(this.dir, `${server.replace(/[^A-Za-z0-9._-]/g, '_')}-${id}.json`);
  }
}

/** Writes a file readable only by its owner, whole or not at all. */
async function writePrivateFile(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

/**
 * The page on 127.0.0.1 the authorization server sends the browser back to (RFC 8252 loopback redirect).
 * It listens only while a sign-in waits and accepts one code, for the `state` it was given.
 */
export class LoopbackRedirect {
  private server?: http.Server;
  private waiting = new Map<string, { code: Promise<string>; resolve: (code: string) => void; reject: (error: Error) => void }>();

  private answered = new Set<string>();

  constructor(private readonly preferredPort = 0) {}

  /** Starts listening (once) and returns the redirect URL to register and send. */
  async url(): Promise<string> {
    if (!this.server) {
      const server = http.createServer((req, res) => this.answer(req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.preferredPort, '127.0.0.1', () => resolve());
      }).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE' || this.preferredPort === 0) throw error;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve());
        });
      });
      server.unref();
      this.server = server;
    }
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth/callback`;
  }

  /** Starts waiting for the browser to come back with `state`; a code that arrives early is kept. */
  expect(state: string): void {
    let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
    const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
    code.catch(() => undefined); // observed by waitForCode; a sign-in nobody waits for must not crash the process
    this.waiting.set(state, { code, ...settle });
  }

  /** Resolves with the authorization code the browser brings back for `state` (after expect(state)). */
  async waitForCode(state: string, timeoutMs: number, server: string): Promise<string> {
    const waiter = this.waiting.get(state);
    if (!waiter) throw new McpAuthError(server, `no sign-in to server \`${server}\` is in progress`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new McpAuthError(server, `sign-in to server \`${server}\` was not completed within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([waiter.code, timeout]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(state);
    }
  }

  async close(): Promise<void> {
    for (const waiter of this.waiting.values()) waiter.reject(new Error('sign-in cancelled: Skillgraph is closing'));
    this.waiting.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const state = url.searchParams.get('state') ?? '';
    const waiter = this.waiting.get(state);
    if (url.pathname !== '/oauth/callback' || !waiter || this.answered.has(state)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('No Skillgraph sign-in is waiting for this page.');
      return;
    }
    this.answered.add(state);
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    if (code) waiter.resolve(code);
    else waiter.reject(new Error(`the authorization server refused: ${error ?? 'no code'} ${url.searchParams.get('error_description') ?? ''}`.trim()));
    res
      .writeHead(code ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' })
      .end(code ? 'Signed in. You can close this window and return to Skillgraph.' : `Sign-in failed: ${error ?? 'no code'}.`);
  }
}

/** Sends the user to the authorization page: the app opens the system browser, the CLI too; tests follow it. */
export type OpenAuthorization = (authorizationUrl: URL, server: string) => Promise<void>;

export interface OAuthSettings {
  /** A client registered by hand with the authorization server, instead of dynamic registration. */
  clientId?: string;
  clientSecret?: string;
  /** Scopes to ask for when the server does not say. */
  scope?: string;
  /** An HTTPS URL of a client ID metadata document, used as client_id where the server supports it. */
  clientMetadataUrl?: string;
}

/**
 * The SDK's OAuthClientProvider for one server: credentials from the store, the browser sent to the
 * authorization page, the code taken from the loopback redirect.
 */
export class ServerOAuthProvider implements OAuthClientProvider {
  private credentials?: StoredCredentials;
  private pendingState?: string;
  private redirect?: string;

  constructor(
    private readonly server: string,
    private readonly serverUrl: string,
    private readonly store: OAuthCredentialStore,
    private readonly loopback: LoopbackRedirect,
    private readonly openAuthorization: OpenAuthorization | undefined,
    private readonly settings: OAuthSettings = {},
  ) {}

  /** Loads stored credentials and starts the loopback page; call before the first request. */
  async prepare(): Promise<void> {
    this.credentials ??= await this.store.load(this.server, this.serverUrl);
    this.redirect ??= await this.loopback.url();
    const registered = this.credentials.clientInformation as { redirect_uris?: string[] } | undefined;
    // A client registered for another loopback port must register again (the port is chosen per process).
    if (registered?.redirect_uris && !registered.redirect_uris.includes(this.redirect) && !this.settings.clientId) {
      this.credentials.clientInformation = undefined;
    }
  }

  get redirectUrl(): string {
    if (!this.redirect) throw new Error('ServerOAuthProvider.prepare() was not called');
    return this.redirect;
  }

  get clientMetadataUrl(): string | undefined {
    return this.settings.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Skillgraph',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.settings.clientSecret ? 'client_secret_basic' : 'none',
      ...(this.settings.scope ? { scope: this.settings.scope } : {}),
    };
  }

  state(): string {
    this.pendingState = randomBytes(16).toString('base64url');
    this.loopback.expect(this.pendingState);
    return this.pendingState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    if (this.settings.clientId) return { client_id: this.settings.clientId, ...(this.settings.clientSecret ? { client_secret: this.settings.clientSecret } : {}) };
    return this.loaded().clientInformation;
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    this.loaded().clientInformation = info;
    await this.persist();
  }

  tokens(): OAuthTokens | undefined {
    return this.loaded().tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.loaded().tokens = tokens;
    await this.persist();
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    this.loaded().codeVerifier = codeVerifier;
    await this.persist();
  }

  codeVerifier(): string {
    const verifier = this.loaded().codeVerifier;
    if (!verifier) throw new McpAuthError(this.server, `sign-in to server \`${this.server}\` lost its PKCE verifier; sign in again`);
    return verifier;
  }

  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    this.loaded().discoveryState = state;
    await this.persist();
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.loaded().discoveryState;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const credentials = this.loaded();
    if (scope === 'all' || scope === 'client') credentials.clientInformation = undefined;
    if (scope === 'all' || scope === 'tokens') credentials.tokens = undefined;
    if (scope === 'all' || scope === 'verifier') credentials.codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') credentials.discoveryState = undefined;
    await this.persist();
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (!this.openAuthorization) {
      throw new McpAuthError(this.server, `server \`${this.server}\` needs you to sign in, and this process cannot open a browser`);
    }
    await this.openAuthorization(authorizationUrl, this.server);
  }

  /** Waits for the browser to come back with the code for the authorization just requested. */
  waitForCode(timeoutMs: number): Promise<string> {
    const state = this.pendingState;
    if (!state) return Promise.reject(new McpAuthError(this.server, `no sign-in to server \`${this.server}\` is in progress`));
    return this.loopback.waitForCode(state, timeoutMs, this.server).finally(() => {
      if (this.pendingState === state) this.pendingState = undefined;
    });
  }

  /** True when a sign-in was started by the last request (the SDK asked for a redirect). */
  get awaitingCode(): boolean {
    return this.pendingState !== undefined;
  }

  /** Forgets stored credentials for this server (the user's Sign out). */
  async signOut(): Promise<void> {
    this.credentials = {};
    await this.store.forget(this.server, this.serverUrl);
  }

  private loaded(): StoredCredentials {
    if (!this.credentials) throw new Error('ServerOAuthProvider.prepare() was not called');
    return this.credentials;
  }

  private persist(): Promise<void> {
    return this.store.save(this.server, this.serverUrl, this.loaded());
  }
}

/**
 * Opens the authorization page in the user's default browser (`open` on macOS, `start` on Windows, `xdg-open`
 * elsewhere); the loopback page then brings the code back. Fails with a message naming the URL to open by hand.
 */
export const openInSystemBrowser: OpenAuthorization = async (authorizationUrl, server) => {
  const { spawn } = await import('node:child_process');
  const url = authorizationUrl.toString();
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => reject(new McpAuthError(server, `server \`${server}\` needs you to sign in: open ${url} in a browser`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
};
