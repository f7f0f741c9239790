// dist/xs: ES modules for the XS engine (Moddable), one bundle of the portable core.
// dist/node is built by tsc (tsconfig.build.json); see package.json "build".
import nodeResolve from '@rollup/plugin-node-resolve';
import { portableGuard, typescriptForXs } from './tools/rollup-plugins.js';

export default [
  {
    input: 'src/index.ts',
    output: { file: 'dist/xs/vllsi.js', format: 'es', sourcemap: false },
    plugins: [portableGuard(), nodeResolve({ extensions: ['.ts', '.js'] }), typescriptForXs()],
  },
];
