// Public surface of the gateway: the MCP server for agents over the shared engine, the context ledger, the PII filter
// and the approval queue. `openGateway` is what `skillgraph mcp` and the tests start.
import type { Engine } from '../engine';
import { currentSettings } from './run-hooks';
import { GATEWAY_SESSION, Gateway } from './gateway';
import { createGatewayServer, type GatewayServerOptions } from './server';

export { Gateway, GATEWAY_SESSION, describeTool, functionName, PRINTED_CHARS_MAX, SEARCH_LIMIT_MAX, type GatewayContext, type ExecuteCodeAnswer, type ToolDetail, type SkillSaver } from './gateway';
export { createGatewayServer, GATEWAY_INSTRUCTIONS, type GatewayServerOptions } from './server';
export { AgentRelay } from './agent-relay';
export { serveGatewayOverHttp, type GatewayHttpServer } from './http';
export { ApprovalQueue, isWritingTool, DEFAULT_APPROVAL_TIMEOUT_MS, type PendingApproval, type ApprovalOutcome } from './approvals';
export { ContextLedgerBook, countTokens, makeLedger, resultText, skillsImportedBy, type LedgerEntry, type LedgerTotals, type LedgerTotal } from './ledger';
export { PiiVault, PiiVaults, type PiiKind } from './pii';
export { GatewayRunHooks, currentSettings } from './run-hooks';

/**
 * The gateway over an open engine. Before its first answer the index has caught up; before an answer that needs the
 * API tree the servers never generated are generated (for execute_code, only those its code imports); a server with a
 * generation is not started until code calls it (its list_changed then updates the tree).
 * It starts the sandbox and runners ahead for the session its runs use (GATEWAY_SESSION), not the app's `default`:
 * spares are per workspace, and the first execute_code then finds one ready.
 */
export function gatewayForEngine(engine: Engine): Gateway {
  let ready: Promise<void> | undefined;
  // The type-checker is warmed after the first answer, with the graph: code run before may need no compiler at all.
  void engine.runs.warmUp(GATEWAY_SESSION, ['typescript', 'python'], { typeCheck: false }).catch(engine.reportBackgroundFailure('warming the sandbox for agents'));
  let warmedAfterAnswer = false;
  return new Gateway({
    index: engine.index,
    apiDir: engine.apiTree.apiDir,
    toolDocs: () => engine.apiTree.toolDocs(),
    serverDirs: () => new Map(engine.serverStates().map((s) => [s.name, s.dir])),
    runs: engine.runs,
    skills: async () => {
      await engine.openGraph();
      return engine.skills;
    },
    // The graph (scan, then watching) is opened after the first answer, which the caught-up index served alone.
    answered: () => {
      if (warmedAfterAnswer) return;
      warmedAfterAnswer = true;
      void engine
        .openGraph()
        .then(() => engine.runs.typeChecker().warm())
        .catch(engine.reportBackgroundFailure('opening the graph and warming the type-checker'));
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
