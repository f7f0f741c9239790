// The runtime profile fixed at build time. This file is the "define": the XS
// build (rollup.config.js, `runtimeProfile()` plugin) replaces this module with
// `export const BUILD_PROFILE = '<profile>'`, so rollup sees a constant and drops
// the code of the other profiles. Unbundled (Node, tests) it stays undefined.
import type { RuntimeProfile } from './profile.js';

export const BUILD_PROFILE: RuntimeProfile | undefined = undefined;
