// Worker threads (threads.ts, cores.ts) start with no module hooks: a worker that is to
// load TypeScript sources registers tools/ts-hooks.js itself, first thing.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** host-sim runs from its .ts sources (tests), so a worker loading it needs the hooks whatever its entry. */
const fromSource = import.meta.url.endsWith('.ts');

/**
 * The hooks a worker needs to load `entry` (a URL): tools/ts-hooks.js when the entry or
 * host-sim itself is TypeScript, found from host-sim/ or dist/node/host-sim/; undefined
 * otherwise and in an installed package (tools/ is not shipped).
 */
export function workerHooks(entry: string): string | undefined {
  if (!fromSource && !entry.endsWith('.ts')) return undefined;
  for (const rel of ['../tools/ts-hooks.js', '../../../tools/ts-hooks.js']) {
    const url = new URL(rel, import.meta.url);
    if (fs.existsSync(fileURLToPath(url))) return url.href;
  }
  return undefined;
}
