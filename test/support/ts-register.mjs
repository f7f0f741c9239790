// `node --import ./test/support/ts-register.mjs child.ts`: run TypeScript sources in a child process.
import { register } from 'node:module';
register('./ts-hooks.mjs', import.meta.url);
