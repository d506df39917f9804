// Public surface of the Logseq graph engine.
export type { GraphConfig, FileNameFormat } from './config';
export { readGraphConfig, parseGraphConfig, isIgnoredPath, isPageFile } from './config';
export { pageFileName, journalFileName, journalRelPath, journalTitle, titleFromPath, pageNameOf, needsTitleProperty, journalDateFromPath } from './names';
export { parsePage, contentHash, splitMultiValue } from './parser';
export type { BlockSpec, PageDoc, PropertyList } from './serializer';
export { serializePage, serializeBlocks } from './serializer';
export { Graph } from './graph';
export type { GraphOptions, GraphListener } from './graph';
export { GraphWriter, replacePageReferences, replacePageReferencesIn, setPageTitleProperty } from './writer';
export type { UpdateOptions, UpdateResult, RenameResult, GraphStore } from './writer';
export { GraphError, GraphConflictError, GraphBusyError, PageTooLargeError, GraphWriteError, PageExistsError, PageNotFoundError, GraphFormatError, GraphRenameIncompleteError, PageAliasTakenError } from './errors';
