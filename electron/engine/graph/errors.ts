// Typed errors of the graph engine, each with a message a person can act on (and, for the ones the app
// shows as such, a wire `code`).

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The page changed on disk (in Logseq, a sync tool) in a way Skillgraph's change cannot be merged into.
 * The other edit wins: nothing of ours was written, and the message says so.
 */
export class GraphConflictError extends GraphError {
  /** The wire code the app, CLI and gateway show next to the message. */
  readonly code: string = 'graph-conflict';
  constructor(readonly relPath: string, detail: string) {
    super(`${relPath} was changed in Logseq (or by another program) while Skillgraph was saving it: ${detail}; your edit was not applied. Reload it and try again`);
  }
}

/** The file kept changing for as long as we were willing to wait: someone is writing it right now. */
export class GraphBusyError extends GraphConflictError {
  override readonly code: string = 'graph-busy';
  constructor(relPath: string) {
    super(relPath, 'it is still being written');
    this.message = `Logseq (or another program) is writing ${relPath} right now; nothing was changed. Try again in a moment`;
  }
}

/** A page too large to parse without stalling everything else; it is left out of the graph, untouched. */
export class PageTooLargeError extends GraphError {
  readonly code: string = 'page-too-large';
  constructor(readonly relPath: string, readonly size: number, readonly limit: number) {
    super(`${relPath} is ${(size / 1048576).toFixed(1)} MB, over Skillgraph's ${(limit / 1048576).toFixed(1)} MB page limit; it is left out of the graph and search, and never rewritten (split it into smaller pages in Logseq)`);
  }
}

/** The file system refused the write (disk full, read-only, permissions). Nothing was changed. */
export class GraphWriteError extends GraphError {
  constructor(readonly relPath: string, readonly code: string | undefined, detail: string) {
    super(`could not write ${relPath}: ${detail}`);
  }
}

export class PageExistsError extends GraphError {
  constructor(readonly title: string, readonly existingPath: string) {
    super(`a page named "${title}" already exists (${existingPath}); page names are case-insensitive`);
  }
}

/** The name is taken as an `alias::` of another page: in Logseq it already names that page. */
export class PageAliasTakenError extends PageExistsError {
  constructor(title: string, existingPath: string) {
    super(title, existingPath);
    this.message = `"${title}" is already an alias of the page in ${existingPath}; remove it from that page's alias:: first or pick another name`;
  }
}

export class PageNotFoundError extends GraphError {
  constructor(readonly title: string) {
    super(`no page named "${title}" in the graph`);
  }
}

/**
 * A namespace rename stopped part-way and could not be undone: `moved` lists every file that now
 * sits at its new path, so the person (or a retry) knows exactly what state the graph is in.
 */
export class GraphRenameIncompleteError extends GraphError {
  constructor(readonly moved: Array<{ from: string; to: string }>, override readonly cause: Error) {
    super(
      `renaming stopped part-way (${cause.message}) and could not be undone; these files were moved: ` +
        moved.map((m) => `${m.from} -> ${m.to}`).join(', ') +
        '. Rename the remaining pages or move these back by hand',
    );
  }
}

/** A page or block we were asked to write cannot be written so that Logseq reads it back the same. */
export class GraphFormatError extends GraphError {}

export function describeFsError(error: unknown): { code: string | undefined; detail: string } {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
      return { code, detail: 'the disk is full; free some space and save again' };
    case 'EACCES':
    case 'EPERM':
      return { code, detail: 'permission denied; check that the graph folder is writable by you' };
    case 'EROFS':
      return { code, detail: 'the graph folder is on a read-only file system' };
    case 'ENOENT':
      return { code, detail: 'the folder does not exist (was the graph moved?)' };
    default:
      return { code, detail: (error as Error)?.message ?? String(error) };
  }
}
