// `node --import ./tools/ts-register.js file.ts`: run TypeScript sources without a build (see ts-hooks.js).
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
