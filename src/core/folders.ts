// Containment of paths in folders, for what hosts may read on a prompt's behalf (partials, the
// prompts folder). Paths only: callers resolve symbolic links (fs.realpath) first where it matters.
import * as path from 'node:path';

/** Whether the absolute path `child` is `folder` itself or inside it. */
export function isInsideFolder(child: string, folder: string): boolean {
  const relative = path.relative(folder, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
