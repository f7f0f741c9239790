// The team's vendor data beside the clone (../shared: vendor SVD files and their corpus). It is
// not in the repository; CI puts it there. VLLSI_SHARED names another place (a worktree).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const sharedDir = process.env.VLLSI_SHARED ?? path.resolve(import.meta.dirname, '../../../shared');

/** The folder under ../shared, or undefined after saying loudly that the tests needing it skip. */
export function sharedOrSkip(sub: string, what: string): string | undefined {
  const dir = path.join(sharedDir, sub);
  if (existsSync(dir)) return dir;
  console.warn(`SKIPPED: ${what}: ${dir} does not exist (../shared beside the clone, or set VLLSI_SHARED)`);
  return undefined;
}
