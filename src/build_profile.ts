// The runtime profile fixed at build time. This file is the "define": the XS
// build (rollup.config.js, `runtimeProfile()` plugin) replaces this module with
// `export const BUILD_PROFILE = '<profile>'`, so rollup sees a constant and drops
// the code of the other profiles. Unbundled (Node, tests) it stays undefined.
// The profile names are spelled here once; src/profile.ts takes its RuntimeProfile type from them.
export const BUILD_PROFILE: 'full' | 'embedded' | 'no_runtime' | undefined = undefined;
