// Public surface of the gateway: the MCP server for agents over the shared engine, the context ledger, the PII filter
// and the approval queue. `openGateway` is what `skillgraph mcp` and the tests start.
import type { Engine } from '../engine';
import { currentSettings } from './run-hooks';
import { GATEWAY_SESSION, Gateway } from './gateway';
import { createGatewayServer, type GatewayServerOptions } from './server';
import { GraphFollower } from './graph-follower';

export { Gateway, GATEWAY_SESSION, describeTool, functionName, PRINTED_CHARS_MAX, SEARCH_LIMIT_MAX, type GatewayContext, type ExecuteCodeAnswer, type ToolDetail, type SkillSaver } from './gateway';
export { createGatewayServer, GATEWAY_INSTRUCTIONS, type GatewayServerOptions } from './server';
export { AgentRelay } from './agent-relay';
export { serveGatewayOverHttp, type GatewayHttpServer } from './http';
export { ApprovalQueue, isWritingTool, DEFAULT_APPROVAL_TIMEOUT_MS, type PendingApproval, type ApprovalOutcome } from './approvals';
export { ContextLedgerBook, countTokens, makeLedger, resultText, skillsImportedBy, type LedgerEntry, type LedgerTotals, type LedgerTotal } from './ledger';
export { PiiVault, PiiVaults, type PiiKind } from './pii';
export { GraphFollower } from './graph-follower';
export { GatewayRunHooks, currentSettings } from './run-hooks';

/** Per engine: what the gateway starts once, whatever number of agent connections (Gateways) it serves. */
interface GatewayEngineState {
  follower?: GraphFollower;
  prepared: Promise<void>;
}
const engineStates = new WeakMap<Engine, GatewayEngineState>();

/**
 * Starts, once per engine, what the first execute_code would otherwise wait for, off the thread where it can be: a
 * runner per language for the gateway's session, the type-checker's process and first program (in its own process),
 * the skills staged for runs (nothing to do over unchanged skills), and the ledger's tokenizer; and, for an engine
 * opened without the graph, a follower that keeps the index current with the graph folder (graph-follower.ts).
 * Nothing here starts an MCP server.
 */
function prepareEngine(engine: Engine): GatewayEngineState {
  const known = engineStates.get(engine);
  if (known) return known;
  // The runners first (what a first run waits for; code recorded as passed needs no compiler), then the checker's
  // process and first program: started together, the compiler's CPU slowed the runners' start on 2 cores.
  const runnersReady = engine.runs.warmUp(GATEWAY_SESSION, ['typescript', 'python'], { typeCheck: false });
  void runnersReady
    .catch(engine.reportBackgroundFailure('warming the sandbox for agents'))
    .then(() => engine.runs.typeChecker().warm())
    .catch(engine.reportBackgroundFailure('warming the type-checker for agents'));
  const follower = engine.graphLoaded
    ? undefined
    : new GraphFollower({
        graphDir: engine.graphDir,
        index: engine.index,
        onSkillsChanged: () => engine.events.emit('skills.changed', { names: [] }),
        onProblem: (what, error) => engine.reportBackgroundFailure(what)(error),
      });
  const prepared = (async () => {
    await follower?.start();
    await engine.indexing;
    await engine.materializeSkills();
    // The ledger's token counter (a worker thread) starts once the runners are up, so its tokenizer load does not
    // slow their start on 2 cores; the first answer's ledger would start it otherwise.
    await runnersReady.catch(() => undefined); // reported above; the counter is started either way
    engine.ledger.counter.warm();
    // An edit made between the engine's catch-up at open and the follower's first watch is caught up now.
    follower?.catchUpSoon();
  })();
  const state: GatewayEngineState = { follower, prepared };
  engineStates.set(engine, state);
  void prepared.catch(engine.reportBackgroundFailure('preparing the gateway (skills, graph folder, tokenizer)'));
  if (follower) engine.onClose(() => follower.stop());
  return state;
}

/** The graph follower of an engine the gateway serves (tests: to wait for a catch-up); undefined with the graph loaded. */
export function graphFollowerOf(engine: Engine): GraphFollower | undefined {
  return engineStates.get(engine)?.follower;
}

/**
 * The gateway over an open engine. Before its first answer the index has caught up; before an answer that needs the
 * API tree the servers never generated are generated (for execute_code, only those its code imports); a server with a
 * generation is not started until code calls it (its list_changed then updates the tree).
 * An engine opened without the graph keeps it out of memory: runs and search_skills use the index, which a follower
 * keeps current with the folder; save_skill opens the graph (scan, then watching) when it is first called.
 * It starts the sandbox and runners ahead for the session its runs use (GATEWAY_SESSION), not the app's `default`:
 * spares are per workspace, and the first execute_code then finds one ready.
 */
export function gatewayForEngine(engine: Engine): Gateway {
  const state = prepareEngine(engine);
  let ready: Promise<void> | undefined;
  return new Gateway({
    index: engine.index,
    apiDir: engine.apiTree.apiDir,
    toolDocs: () => engine.apiTree.toolDocs(),
    serverDirs: () => new Map(engine.serverStates().map((s) => [s.name, s.dir])),
    runs: engine.runs,
    skills: async () => {
      await engine.openGraph();
      // The engine's own watcher follows the graph from here on.
      state.follower?.stop();
      return engine.skills;
    },
    ledger: engine.ledger,
    hooks: engine.gatewayHooks,
    settings: () => currentSettings(engine.settings),
    dataDir: engine.dataDir,
    reportProblem: (what, error) => engine.reportBackgroundFailure(what)(error),
    onChange: (listener) => {
      const stopApi = engine.onApiChanged(() => listener('api'));
      const stopSkills = engine.events.subscribe((event) => {
        if (event === 'skills.changed') listener('skills');
      });
      return () => {
        stopApi();
        stopSkills();
      };
    },
    ready: async (servers) => {
      await (ready ??= (async () => {
        await engine.indexing;
        await engine.materializeSkills().catch(engine.reportBackgroundFailure('writing the skills as modules'));
      })());
      // A server that fails keeps its last generated files; the agent still gets the others. A server already
      // generated is not started again (refreshUngeneratedApi knows it from its tool docs).
      if (servers?.length !== 0) await engine.refreshUngeneratedApi(servers).catch(engine.reportBackgroundFailure('generating the API of servers never generated'));
    },
  });
}

/** Builds the MCP server for agents over an engine, open or opened on the first tool call. */
export function createEngineGatewayServer(engine: Engine | (() => Promise<Engine>), opts: GatewayServerOptions = {}) {
  return createGatewayServer(typeof engine === 'function' ? async () => gatewayForEngine(await engine()) : gatewayForEngine(engine), opts);
}
