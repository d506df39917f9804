// Bundles the user's TypeScript/JavaScript and what it imports from ./servers and ./skills into one ESM file for Node.
// One esbuild context per language is kept and rebuilt, so imported API files are parsed again only when they change;
// the last few outputs are kept with the stamps of the files they were built from, so the same code over an unchanged
// API tree is not built again.
import path from 'node:path';
import type { BuildContext, Message } from 'esbuild';
import { esbuild } from '../heavy-modules';
import { StampedCache, stampFiles } from './file-stamps';
import { SandboxError } from './types';

export interface BundleResult {
  code: string;
}

type BundleLanguage = 'typescript' | 'javascript';

// Lets bundled CommonJS dependencies call require() for Node built-ins inside an ES module.
const REQUIRE_BANNER = "import { createRequire as __skillgraphCreateRequire } from 'node:module'; const require = __skillgraphCreateRequire(import.meta.url);";
const ENTRY = 'skillgraph:main';

function describe(messages: Message[]): string {
  return messages
    .slice(0, 5)
    .map((m) => (m.location ? `line ${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text))
    .join('\n');
}

function bundleError(error: unknown): SandboxError {
  const failure = error as { errors?: Message[]; message?: string };
  return new SandboxError('bundle-failed', `the code could not be bundled: ${failure.errors ? describe(failure.errors) : failure.message}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Code that cannot pull in another module needs only its types stripped; anything else is bundled. */
function mayImport(code: string): boolean {
  return /\b(import|require|export)\b/.test(code);
}

interface BuildOutput {
  code: string;
  /** Stamps of the files the output was built from. */
  inputs: Map<string, string>;
}

function entryFile(apiDir: string, language: BundleLanguage): string {
  return path.join(apiDir, language === 'typescript' ? 'main.ts' : 'main.js');
}

export class Bundler {
  private readonly contexts = new Map<BundleLanguage, Promise<BuildContext>>();
  /** The user's code for the build in progress (builds are serialised: the entry is one virtual file per context). */
  private source = '';
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly outputs = new StampedCache<string>();
  private builds = 0;

  constructor(private readonly apiDir: string) {}

  bundle(code: string, language: BundleLanguage): Promise<BundleResult> {
    const key = `${language}\n${code}`;
    const kept = this.outputs.get(key);
    if (kept !== undefined) return Promise.resolve({ code: kept });
    this.builds++;
    const built = mayImport(code) ? this.queue.then(() => this.rebuild(code, language)) : this.strip(code, language);
    // The queue only orders builds; a failed build is reported to its own caller through `built`.
    if (mayImport(code)) this.queue = built.catch(() => undefined);
    return built.then(({ code: output, inputs }) => {
      this.outputs.set(key, output, inputs);
      return { code: output };
    });
  }

  /** Builds (or transforms) done so far: code answered from the last output does none (diagnostics and tests). */
  get buildsDone(): number {
    return this.builds;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const contexts = [...this.contexts.values()];
    this.contexts.clear();
    await Promise.allSettled(contexts.map(async (pending) => (await pending).dispose()));
  }

  private async strip(code: string, language: BundleLanguage): Promise<BuildOutput> {
    try {
      const result = await esbuild().transform(code, {
        loader: language === 'typescript' ? 'ts' : 'js',
        format: 'esm',
        platform: 'node',
        target: 'node20',
        sourcemap: 'inline',
        sourcefile: this.entryName(language),
        banner: REQUIRE_BANNER,
        logLevel: 'silent',
      });
      return { code: result.code, inputs: new Map() };
    } catch (error) {
      throw bundleError(error);
    }
  }

  private async rebuild(code: string, language: BundleLanguage): Promise<BuildOutput> {
    if (this.disposed) throw new SandboxError('bundle-failed', 'the bundler was closed');
    try {
      const built = await this.context(language);
      this.source = code;
      const result = await built.rebuild();
      // Metafile paths are relative to esbuild's working directory (this process's); the entry is virtual.
      const inputs = Object.keys(result.metafile?.inputs ?? {}).map((input) => path.resolve(input));
      return { code: result.outputFiles![0].text, inputs: stampFiles(inputs.filter((input) => input !== entryFile(this.apiDir, language))) };
    } catch (error) {
      throw bundleError(error);
    }
  }

  private context(language: BundleLanguage): Promise<BuildContext> {
    let pending = this.contexts.get(language);
    if (pending) return pending;
    const entryPath = entryFile(this.apiDir, language);
    pending = esbuild().context({
      entryPoints: [ENTRY],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      // Beside the entry, so the source map names the user's file `main.ts` in stack traces.
      outfile: path.join(this.apiDir, 'main.mjs'),
      sourcemap: 'inline',
      logLevel: 'silent',
      banner: { js: REQUIRE_BANNER },
      plugins: [
        {
          name: 'skillgraph-entry',
          setup: (build) => {
            build.onResolve({ filter: /^skillgraph:main$/ }, () => ({ path: entryPath }));
            build.onLoad({ filter: new RegExp(`^${escapeRegExp(entryPath)}$`) }, () => ({
              contents: this.source,
              loader: language === 'typescript' ? 'ts' : 'js',
              resolveDir: this.apiDir,
            }));
          },
        },
      ],
    });
    this.contexts.set(language, pending);
    pending.catch(() => this.contexts.delete(language));
    return pending;
  }

  private entryName(language: BundleLanguage): string {
    return language === 'typescript' ? 'main.ts' : 'main.js';
  }
}
