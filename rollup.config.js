// dist/xs: ES modules for the XS engine (Moddable), one bundle of the portable core per
// runtime profile: vllsi-full.js, vllsi-embedded.js, vllsi-no_runtime.js. vllsi.js is a copy
// of the device default profile (embedded). dist/node is built by tsc (tsconfig.build.json).
import fs from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import { portableGuard, runtimeProfileDefine, srcAsVllsiModule } from './tools/rollup-plugins.js';
import { xsInline } from './tools/xs-inline.js';

/**
 * TypeScript for XS bundles: tsconfig.device.json's settings (ES2022, ES modules, no Node
 * types), emitting JavaScript only (it is a type-check-only project of `tsc -b` otherwise).
 * Only files in its `include` are compiled (the plugin emits from the TS program): add folders there.
 */
const typescriptForXs = () =>
  typescript({
    tsconfig: 'tsconfig.device.json',
    compilerOptions: { noEmit: false, composite: false, incremental: false, declaration: false, sourceMap: false },
    noEmitOnError: true,
    outputToFilesystem: false,
  });

// Built by tsc just before (npm run build): the profile names and the device default live in src/.
import { DEVICE_DEFAULT_PROFILE, RUNTIME_PROFILES } from './dist/node/src/profile.js';

const bundle = (profile) => ({
  input: 'src/index.ts',
  output: { file: `dist/xs/vllsi-${profile}.js`, format: 'es', sourcemap: false },
  plugins: [
    runtimeProfileDefine(profile),
    portableGuard(),
    nodeResolve({ extensions: ['.ts', '.js'] }),
    typescriptForXs(),
    profile === DEVICE_DEFAULT_PROFILE && { name: 'device-default', writeBundle: () => fs.copyFileSync(`dist/xs/vllsi-${profile}.js`, 'dist/xs/vllsi.js') },
  ],
});

// Device-only bundles (manifest.json, vllsi build): the native HAL's JS side, the serial
// console (its own module, so only apps that serve it carry it) and the example app,
// importing the core as the module "vllsi". Bitfield and register calls with
// constant shapes are inlined (tools/xs-inline.js): XS has no inliner of its own.
const device = (input, file) => ({
  input,
  output: { file: `dist/xs/${file}`, format: 'es', sourcemap: false },
  plugins: [srcAsVllsiModule(), portableGuard(), nodeResolve({ extensions: ['.ts', '.js'] }), typescriptForXs(), xsInline()],
});

export default [
  ...RUNTIME_PROFILES.map(bundle),
  device('hal/xs/index.ts', 'vllsi-hal.js'),
  device('src/console/index.ts', 'vllsi-console.js'),
  device('examples/blink/index.ts', 'examples/blink.js'),
];
