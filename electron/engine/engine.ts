// The engine's composition root: builds every service for one graph folder and one data folder. The app,
// browser mode, the CLI, the MCP gateway and the tests all open the engine through here. Never imports electron.
import { OAuthCredentialStore, openInSystemBrowser } from './mcp/oauth';
import fs from 'node:fs';
import path from 'node:path';
import { RunSummary, type BackendName, type GraphEvent, type ServerState } from '../../shared/types';
import type { BackgroundProblem } from '../../shared/contract';
import { createLogger, errorText, type Logger } from './logger';
import { EventBus } from './events';
import { ElicitationDesk } from './api/elicitations';
import { SamplingDesk } from './api/sampling';
import { Graph } from './graph';
import { SearchIndex, type IndexProgress } from './index/search-index';
import { IndexFeeder } from './index/feeder';
import { catchUpIndex, graphConfigStamp, recordGraphConfigStamp } from './index/catch-up';
import { indexPath } from './indexed-graph';
import type { GenerateResult } from './mcp/generator';
import { McpPool, type ServerLogLine } from './mcp/pool';
import { ServerConfigStore, diffServerConfigs } from './mcp/config';
import { McpConfigError } from './mcp/errors';
import { ApiTree } from './api-tree';
import { RunManager } from './sandbox/runs';
import { poolToolCaller } from './sandbox/pool-tool-caller';
import { SkillService } from './skills/service';
import { SkillStaging } from './skills/materialize';
import { ApprovalQueue } from './gateway/approvals';
import { ContextLedgerBook } from './gateway/ledger';
import { TokenCounter } from './gateway/token-counter';
import { GatewayRunHooks, currentSettings } from './gateway/run-hooks';
import { prepareLocations, type EngineLocations, type EngineOptions } from './prepare-locations';
import type { SettingsStore } from './settings';

export { prepareLocations, type EngineOptions, type EngineLocations } from './prepare-locations';

/** Background failures kept for the status bar; older ones stay in the log. */
const MAX_PROBLEMS = 20;

export class Engine {
  /** Set while the index catches up with the graph (first start, or pages changed while closed). */
  indexing: Promise<void> | undefined;
  /** Recent background failures, newest last; the status bar shows them. */
  readonly problems: BackgroundProblem[] = [];
  private disposers: Array<() => void | Promise<void>> = [];
  /** Problems the catch-up of an engine opened without the graph found (unreadable files, config.edn). */
  private catchUpWarnings: string[] = [];
  private readonly apiListeners = new Set<() => void>();
  /** The skills written as modules before runs (diagnostics and tests: how many passes runs made). */
  skillStaging: SkillStaging | undefined;

  private constructor(
    readonly options: EngineOptions,
    readonly locations: EngineLocations,
    readonly settings: SettingsStore,
    private loadedGraph: Graph | undefined,
    readonly index: SearchIndex,
    readonly serverConfigs: ServerConfigStore,
    readonly pool: McpPool,
    readonly apiTree: ApiTree,
    private skillService: SkillService | undefined,
    readonly runs: RunManager,
    /** Pending approvals of writing tool calls, shared with other processes through <data>/approvals/. */
    readonly approvals: ApprovalQueue,
    /** Per-run context ledger, summed per skill and day. */
    readonly ledger: ContextLedgerBook,
    /** PII substitution and approvals for runs started by the MCP gateway. */
    readonly gatewayHooks: GatewayRunHooks,
    readonly events: EventBus,
    /** Questions servers ask the person (elicitation), waiting for the app's answer. */
    readonly elicitations: ElicitationDesk,
    /** Servers' requests for a completion (sampling), answered by the person in the app. */
    readonly sampling: SamplingDesk,
    readonly log: Logger,
  ) {
    this.disposers.push(() => approvals.close());
    this.disposers.push(() => ledger.counter.close());
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const { settings, ...locations } = prepareLocations(options);
    const log = createLogger(options.log ?? { to: 'silent' }, locations.dataDir);
    // Taken before the scan: the pages indexed from this scan were parsed with this config.edn (or an older one,
    // which only makes the next catch-up re-read more than it had to).
    const configStamp = graphConfigStamp(locations.graphDir);
    const loadGraph = options.loadGraph ?? true;
    const graph = loadGraph ? await Graph.open(locations.graphDir) : undefined;
    const index = SearchIndex.open(indexPath(locations.dataDir));
    let catchUpWarnings: string[] = [];
    if (!graph) {
      try {
        catchUpWarnings = (await catchUpIndex(index, locations.graphDir)).warnings;
      } catch (error) {
        index.close();
        throw error;
      }
    }
    const serverConfigs = new ServerConfigStore(locations.dataDir);
    // HTTP servers that ask for OAuth get a sign-in in the user's browser; credentials are sealed under <data>/oauth/.
    const oauth = { store: new OAuthCredentialStore(path.join(locations.dataDir, 'oauth')), open: openInSystemBrowser };
    const events = new EventBus();
    const elicitations = new ElicitationDesk(events.emit);
    const sampling = new SamplingDesk(events.emit);
    // Only the app has a person to ask or to write a completion: the CLI declares neither elicitation nor sampling, so
    // servers do not ask it; the gateway passes its own handlers, which relay to the agent.
    const serverRequests = options.serverRequests ?? (options.host === 'cli' ? {} : { elicit: elicitations.ask, sample: sampling.ask });
    const pool = new McpPool({ configs: await serverConfigs.loadAtOpen(), oauth, serverRequests });
    const apiTree = new ApiTree(pool, index, path.join(locations.dataDir, 'api'));
    const skills = graph && new SkillService({ graph, index, toolDocs: () => apiTree.toolDocs() });
    const opened: { engine?: Engine } = {};
    // The skills a run imports: from the graph when it is loaded (current even before the index hears of a save),
    // else from the index, caught up at open. A run stages them only if they may have changed since the last pass: a
    // page changed (with the graph), or the index's skills version did (without; kept on disk, so a new process over
    // unchanged skills reads none of them). Either way only skills changed since the last pass are written.
    const skillStaging = new SkillStaging(apiTree.apiDir);
    // The graph is read when the run starts: an engine that opens it later (openGraph) uses it from then on.
    const materializeForRun = async () => {
      await opened.engine?.indexing;
      const live = opened.engine?.loadedGraph ?? graph;
      const liveSkills = opened.engine?.skillService ?? skills;
      const skillsOf = () => (liveSkills ? liveSkills.all() : index.skills()).filter((skill) => skill.status !== 'archived');
      await (live ? skillStaging.stage(`graph ${live.changes}`, skillsOf) : skillStaging.stage(`index ${index.skillsVersion()}`, skillsOf, { durable: true }));
    };
    const approvals = new ApprovalQueue(locations.dataDir, events.emit);
    // Counts in a worker thread, started by the first text the ledger is given (the CLI's run warms it at once).
    const ledger = new ContextLedgerBook(locations.dataDir, events.emit, new TokenCounter(log));
    const gatewayHooks = new GatewayRunHooks({ approvals, settings: () => currentSettings(settings), toolDocs: () => apiTree.toolDocs() });
    const current = settings.get();
    const runs = new RunManager({
      dataDir: locations.dataDir,
      apiDir: apiTree.apiDir,
      tools: poolToolCaller(pool),
      backend: current.backend,
      // Read at each E2B run: a changed key (or the variable it names), template or idle timeout needs no restart.
      e2b: () => {
        const { e2bApiKey, e2bTemplate, e2bIdleTimeoutMinutes } = settings.get();
        return { apiKey: e2bApiKey, template: e2bTemplate, idleTimeoutMinutes: e2bIdleTimeoutMinutes };
      },
      parallelRuns: current.parallelRuns,
      allowedDomains: current.allowedDomains,
      privatePaths: [locations.graphDir],
      limits: current.workspaceQuotaMb ? { workspaceQuotaBytes: current.workspaceQuotaMb * 1024 * 1024 } : undefined,
      refreshApi: materializeForRun,
      interceptCall: gatewayHooks.interceptCall,
      onResult: ledger.onResult,
      onRecordProblem: (runId, problem) => opened.engine?.reportBackgroundFailure(`recording run ${runId}`)(new Error(problem)),
      onCacheProblem: (problem) => log.warn(problem),
    });
    const engine = new Engine(options, locations, settings, graph, index, serverConfigs, pool, apiTree, skills, runs, approvals, ledger, gatewayHooks, events, elicitations, sampling, log);
    opened.engine = engine;
    engine.skillStaging = skillStaging;
    engine.materializeForRun = materializeForRun;
    engine.catchUpWarnings = catchUpWarnings;
    if (graph) engine.startIndexing(graph, Boolean(options.watch), configStamp);
    // A malformed mcp.json opens an engine without its servers: the problem is shown as the watch shows a later one.
    if (serverConfigs.problem) engine.reportBackgroundFailure('reading mcp.json')(new McpConfigError(serverConfigs.problem));
    engine.followServers();
    // The app, browser mode and the gateway watch; so does mcp.json, for servers added or changed by hand.
    if (options.watch) engine.disposers.push(engine.followServerConfigFile());
    engine.disposers.push(() => runs.dispose()); // before the pool closes, so runs end before their servers
    // The app follows approval requests made by a gateway process sharing this data folder.
    if (options.host !== 'cli') engine.disposers.push(approvals.watch());
    // ... and the runs that the gateway and the CLI start, so they show up live in the app's run list.
    if (options.host !== 'cli') engine.disposers.push(engine.followRunHistory());
    // The app generates, in the background, the servers that were never generated; the others keep their last
    // generation and start on first use (or when asked to refresh), so 36 configured servers cost nothing at launch.
    if (options.host !== 'cli') void engine.refreshUngeneratedApi().catch(engine.reportBackgroundFailure('generating the API of servers never generated'));
    if (options.warmSandbox ?? options.host !== 'cli') void runs.warmUp('default', ['typescript', 'python']).catch(engine.reportBackgroundFailure('warming the sandbox'));
    return engine;
  }

  /** Forwards server state to the UI and regenerates the API tree when a server's tools change. */
  private followServers(): void {
    const onState = (state: ServerState) => this.events.emit('servers.state', state);
    // Only the server that changed is listed again: the others are not started for it.
    const onToolsChanged = (server: string) => void this.refreshApi([server]).catch(this.reportBackgroundFailure(`regenerating the API of server \`${server}\``));
    const onLog = (line: ServerLogLine) => this.events.emit('servers.log', line);
    this.pool.on('state', onState);
    this.pool.on('toolsChanged', onToolsChanged);
    this.pool.on('log', onLog);
    this.disposers.push(async () => {
      this.pool.off('state', onState);
      this.pool.off('log', onLog);
      this.pool.off('toolsChanged', onToolsChanged);
      await this.pool.close();
    });
  }

  /**
   * Applies mcp.json edited by hand as the app's own edits are applied: removed servers stop, changed ones restart
   * and are listed again with the added ones, roots-only changes send roots/list_changed (the pool), and the tree
   * drops what was removed. A malformed file is reported (status bar, server view) and the last good config runs on.
   */
  private followServerConfigFile(): () => Promise<void> {
    return this.serverConfigs.watch({
      changed: (next, previous) => {
        const diff = diffServerConfigs(previous, next);
        this.log.info({ diff }, 'mcp.json changed on disk');
        this.pool.setConfigs(next);
        this.events.emit('servers.config', {});
        if (diff.added.length + diff.removed.length + diff.changed.length === 0) return;
        const listed = [...diff.added, ...diff.changed].filter((name) => !next[name].disabled);
        void this.refreshApi(listed).catch(this.reportBackgroundFailure('regenerating the API after mcp.json changed'));
      },
      invalid: (error) => {
        this.reportBackgroundFailure('reading mcp.json after it changed')(error);
        this.events.emit('servers.config', { problem: error.message });
      },
    });
  }

  /**
   * Background work has no caller to throw to: its failure is logged with what was being done, kept in
   * `problems` and announced, so the app's status bar shows it.
   */
  reportBackgroundFailure(what: string): (error: unknown) => void {
    return (error) => {
      const problem = { at: new Date().toISOString(), what, message: errorText(error) };
      this.log.error({ err: error, what }, `${what} failed`);
      this.problems.push(problem);
      if (this.problems.length > MAX_PROBLEMS) this.problems.splice(0, this.problems.length - MAX_PROBLEMS);
      this.events.emit('app.problem', problem);
    };
  }

  /** Re-reads mcp.json into the pool and regenerates the tree (after add, remove or import). */
  async reloadServers(): Promise<void> {
    this.pool.setConfigs(await this.serverConfigs.load());
    await this.refreshApi();
  }

  /**
   * Regenerates the API tree from the servers, then re-checks every skill's schema pins against the new
   * hashes, so skills written against a tool that changed are marked for review.
   */
  async refreshApi(only?: readonly string[]): Promise<GenerateResult> {
    // No server is known from a file unreadable since open: generating would drop every server's tree and tool docs.
    if (this.serverConfigs.unreadSinceOpen) throw new McpConfigError(this.serverConfigs.problem ?? `${this.serverConfigs.file} could not be read`);
    const result = await this.apiTree.refresh(only);
    // Without the graph (a one-shot command) the pins are checked at the next refresh by an engine that has it.
    await this.skillService?.checkPins(this.apiTree.schemaHashes());
    this.announceApiChanged();
    return result;
  }

  /** Whether the graph is in memory (opened with it, or by openGraph since). */
  get graphLoaded(): boolean {
    return this.loadedGraph !== undefined;
  }

  /** Runs `dispose` when the engine closes, before the pool and the runs (what a host started over the engine). */
  onClose(dispose: () => void | Promise<void>): void {
    this.disposers.push(dispose);
  }

  /** Calls `listener` after each regeneration of the API tree (the gateway's list_changed); returns how to stop. */
  onApiChanged(listener: () => void): () => void {
    this.apiListeners.add(listener);
    return () => this.apiListeners.delete(listener);
  }

  private announceApiChanged(): void {
    // The app reloads its views of the tree: the servers' state events may all have come before the generation ended.
    this.events.emit('api.changed', {});
    for (const listener of this.apiListeners) listener();
  }

  /** Generates the configured servers that have no generation yet (starting only those, or only those of `only`); undefined when none. */
  async refreshUngeneratedApi(only?: readonly string[]): Promise<GenerateResult | undefined> {
    const result = await this.apiTree.refreshUngenerated(only);
    if (result) await this.skillService?.checkPins(this.apiTree.schemaHashes());
    if (result) this.announceApiChanged();
    return result;
  }

  /**
   * Brings the index up to date with the graph (unchanged pages are skipped, so a warm start is quick) and,
   * when watching, keeps it current through the feeder; the UI hears what changed through graph.changed.
   */
  private startIndexing(graph: Graph, watch: boolean, configStamp: string): void {
    const onProgress = (progress: IndexProgress) => this.events.emit('index.progress', progress);
    let done: Promise<unknown>;
    if (watch) {
      const feeder = new IndexFeeder(this.index, graph, { onProgress, onError: this.reportBackgroundFailure('indexing the pages that changed') });
      done = feeder.start();
      this.disposers.push(() => feeder.stop());
      this.disposers.push(this.announceGraphChanges());
    } else {
      done = this.index.rebuild(graph.pages(), onProgress);
    }
    this.indexing = done.then(() => {
      this.indexing = undefined;
      // Commands that answer from the index alone (search) then stat the graph instead of re-reading it.
      recordGraphConfigStamp(this.index, configStamp);
    });
  }

  /** Tells the UI which pages and skills changed, a few milliseconds after a burst of watcher events. */
  private announceGraphChanges(): () => void {
    let batch: GraphEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const events = batch;
      batch = [];
      this.events.emit('graph.changed', { events: events.map((e) => ({ type: e.type, path: e.type === 'removed' ? e.path : e.page.path })) });
      const skills = events.filter((e) => e.type === 'removed' || e.page.properties.type === 'skill').map((e) => (e.type === 'removed' ? e.name : e.page.name));
      if (skills.length) this.events.emit('skills.changed', { names: skills });
    };
    const stop = this.graph.watch((event) => {
      batch.push(event);
      // Slightly after the feeder's own debounce, so the index already holds what the UI will ask for.
      timer ??= setTimeout(flush, 25);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }

  /** Announces run summaries written by any process sharing this data folder (gateway, CLI, this app). */
  private followRunHistory(): () => void {
    const dir = path.join(this.dataDir, 'runs');
    fs.mkdirSync(dir, { recursive: true });
    const changed = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      for (const name of changed) {
        try {
          this.events.emit('run.status', RunSummary.parse(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))));
        } catch {
          // Half-written (the next change event brings the whole file) or not a run summary.
        }
      }
      changed.clear();
    };
    const watcher = fs.watch(dir, (_event, name) => {
      // <id>.json is a run's summary; <id>.calls.json holds its tool calls, read only when the run is opened.
      if (!name?.endsWith('.json') || name.endsWith('.calls.json')) return;
      changed.add(name);
      timer ??= setTimeout(flush, 50);
    });
    watcher.on('error', () => watcher.close());
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  /** The graph in memory; an engine opened with `loadGraph: false` has none. */
  get graph(): Graph {
    if (!this.loadedGraph) throw new Error('this engine was opened without the graph (loadGraph: false); open it with the graph to read or write pages');
    return this.loadedGraph;
  }

  /** Skill operations over the graph; an engine opened with `loadGraph: false` has none (its runs take skills from the index). */
  get skills(): SkillService {
    if (!this.skillService) throw new Error('this engine was opened without the graph (loadGraph: false); open it with the graph to read or write skills');
    return this.skillService;
  }

  /** Problems found reading the graph: the scan's, or the catch-up's when the graph was not loaded. */
  graphWarnings(): string[] {
    return this.loadedGraph ? this.loadedGraph.warnings : this.catchUpWarnings;
  }

  /** Live state of every configured MCP server. */
  serverStates(): ServerState[] {
    return this.pool.states();
  }

  private graphOpening: Promise<void> | undefined;
  private materializeForRun: (() => Promise<void>) | undefined;

  /** Writes the skills changed since the last pass as modules under api/skills/ (from the graph, or the index without it). */
  async materializeSkills(): Promise<void> {
    await this.materializeForRun?.();
  }

  /**
   * Opens the graph of an engine opened without it (`loadGraph: false`): scans it into memory, then feeds the index
   * from it (watching when the engine was opened to watch) and offers skill operations. The gateway answers from the
   * caught-up index and opens the graph after its first answer, or when an answer needs it (save_skill).
   */
  openGraph(): Promise<void> {
    if (this.loadedGraph) return Promise.resolve();
    this.graphOpening ??= (async () => {
      const configStamp = graphConfigStamp(this.locations.graphDir);
      const graph = await Graph.open(this.locations.graphDir);
      if (this.closing) {
        await graph.close();
        throw new Error('the engine was closed while its graph was opening');
      }
      this.loadedGraph = graph;
      this.skillService = new SkillService({ graph, index: this.index, toolDocs: () => this.apiTree.toolDocs() });
      this.startIndexing(graph, Boolean(this.options.watch), configStamp);
    })();
    return this.graphOpening;
  }

  private closing = false;

  /** The sandbox backend runs use by default, and whether it can run here (with the reason when not). */
  async backendStatus(): Promise<{ name: BackendName; available: boolean; reason?: string }> {
    return this.runs.backendStatus(this.settings.get().backend);
  }

  get dataDir(): string {
    return this.locations.dataDir;
  }

  get graphDir(): string {
    return this.locations.graphDir;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.graphOpening?.catch(() => undefined); // a graph that failed to open was reported to whoever awaited it; there is nothing to close
    for (const dispose of this.disposers.reverse()) await dispose();
    await this.indexing?.catch(() => {}); // a failed indexing rejects for whoever awaits it (a command, a run); closing only waits
    await this.loadedGraph?.close();
    this.index.close();
  }
}
