// dist/xs: ES modules for the XS engine (Moddable), one bundle of the portable core per
// runtime profile (vllsi-full.js, vllsi-embedded.js, vllsi-no_runtime.js); vllsi.js is
// the device default, embedded. dist/node is built by tsc (tsconfig.build.json).
import nodeResolve from '@rollup/plugin-node-resolve';
import { portableGuard, runtimeProfileDefine, typescriptForXs } from './tools/rollup-plugins.js';

const bundle = (profile, file) => ({
  input: 'src/index.ts',
  output: { file: `dist/xs/${file}`, format: 'es', sourcemap: false },
  plugins: [runtimeProfileDefine(profile), portableGuard(), nodeResolve({ extensions: ['.ts', '.js'] }), typescriptForXs()],
});

export default [
  bundle('embedded', 'vllsi.js'),
  ...['full', 'embedded', 'no_runtime'].map((p) => bundle(p, `vllsi-${p}.js`)),
];
