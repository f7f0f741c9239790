#!/usr/bin/env node
// The `vllsi` command. The CLI is TypeScript (tools/cli.ts) compiled to dist/node by `npm run build`.
import { existsSync } from 'node:fs';
const cli = new URL('../dist/node/tools/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('vllsi: the CLI is not built yet. Run `npm run build` (npm ci/npm install run it for you).');
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
