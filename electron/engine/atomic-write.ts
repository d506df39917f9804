// The engine's one way to replace a whole file so a crash or a concurrent reader never sees half of it:
// write-file-atomic (temporary file in the same folder, fsync, rename). Graph pages are the exception: the
// graph writer's conditional write also refuses to overwrite an edit made meanwhile (graph/writer.ts).
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';

/** Replaces `file` with `content` atomically and durably, creating its folder if needed. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomicLib.sync(file, content, { encoding: 'utf8' });
}

/** The asynchronous form of {@link writeFileAtomic}, for callers on the event loop's busy paths. */
export async function writeFileAtomicAsync(file: string, content: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomicLib(file, content, { encoding: 'utf8' });
}
