// The index caught up with the graph on disk, without the engine: what the commands that answer from the index open
// (`search`, `skills list`, `index`). No graph in memory, no MCP pool, no sandbox; only changed page files are read.
import path from 'node:path';
import { catchUpIndex, type CatchUpOptions, type CatchUpReport } from './index/catch-up';
import { SearchIndex } from './index/search-index';
import { prepareLocations, type EngineLocations, type EngineOptions } from './prepare-locations';

export interface IndexedGraph {
  locations: EngineLocations;
  index: SearchIndex;
  /** What the catch-up found changed on disk since the index was last written. */
  catchUp: CatchUpReport;
  close(): void;
}

/** Where the index of a data folder lives; the engine opens the same file. */
export function indexPath(dataDir: string): string {
  return path.join(dataDir, 'index.sqlite');
}

export async function openIndexedGraph(options: Omit<EngineOptions, 'host'>, catchUp: CatchUpOptions = {}): Promise<IndexedGraph> {
  const { settings: _settings, ...locations } = prepareLocations({ ...options, host: 'cli' });
  const index = SearchIndex.open(indexPath(locations.dataDir));
  try {
    const report = await catchUpIndex(index, locations.graphDir, catchUp);
    return { locations, index, catchUp: report, close: () => index.close() };
  } catch (error) {
    index.close();
    throw error;
  }
}
