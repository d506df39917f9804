// Public surface of the MCP layer: server config, client pool, result decoding and the API tree generator.
export { ServerConfigStore, resolveEnv, referencedEnv, validateServerName, parseJsonc, type ImportResult } from './config';
export { McpPool, type McpPoolOptions, type McpPoolEvents, type CallToolOptions } from './pool';
export { generateApiTree, renderApiTree, schemaHash, type GenerateResult } from './generator';
export { schemaToTs } from './schema-ts';
export { schemaToPy } from './schema-py';
export { toolIdentifier, assignIdentifiers, serverDirectories, type ToolIdentifier } from './names';
export { toolResultToData } from './result';
export { McpError, McpConfigError, MissingEnvVarError, McpServerError, McpTimeoutError, McpToolReportedError } from './errors';
