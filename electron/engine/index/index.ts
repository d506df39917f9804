// Public surface of the offline search index.
export { SearchIndex } from './search-index';
export type { OpenReport, IndexProgress, IndexStatus, RebuildReport, SearchOptions, SearchResult, SkillQuery } from './search-index';
export { IndexFeeder } from './feeder';
export type { IndexFeederOptions, WatchableGraph } from './feeder';
export { toFtsQuery } from './query';
export { SCHEMA_VERSION } from './schema';
