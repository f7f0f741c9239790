// Test helper for the projects `vllsi build` writes (reading and linking them: tools/moddable-link.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../tools/moddable.js';

/** Projects copy dist/xs: builds it when absent (a fresh clone has it from `npm ci`). */
export function ensureBuilt(): void {
  if (['dist/xs/vllsi-hal.js', 'dist/xs/vllsi-console.js', 'dist/xs/examples/blink.js'].every((f) => existsSync(path.join(packageRoot, f)))) return;
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: packageRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}
