#!/usr/bin/env node
// The `vllsi` command. The CLI is TypeScript (tools/cli.ts) compiled to dist/node by `npm run build`.
import { existsSync } from 'node:fs';
const cli = new URL('../dist/node/tools/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('vllsi: the CLI is not built yet. Run `npm run build` (npm ci/npm install run it for you).');
  process.exit(2);
}
const { main, reportError } = await import(cli.href);
// Whatever fails outside a command's own flow (a socket error event...) is still one line, no stack.
const last = (e) => {
  process.exitCode = reportError(process.argv[2] ?? '', e);
  process.exit();
};
process.on('uncaughtException', last);
// Output piped into a reader that stopped (| head): stop quietly, as Unix tools do.
process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : last(e)));
process.on('unhandledRejection', last);
process.exitCode = await main(process.argv.slice(2));
