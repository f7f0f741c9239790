// Loads the project's OS addon (native/os, built by node-gyp at install): byte-range
// locks and the OS thread id, which Node's own modules do not offer.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VllsiError } from '../../src/errors.js';

export interface NativeOs {
  /** 0 on success, else the OS error code. kind: 0 unlock, 1 shared, 2 exclusive; len 0 = to EOF. */
  setlk(fd: number, kind: 0 | 1 | 2, start: number, len: number): number;
  /** −2 no conflict, −1 conflict with no owning process reported, else the owner's pid (≤ −1000: −1000 − errno). */
  getlk(fd: number, kind: 0 | 1 | 2, start: number, len: number): number;
  gettid(): number;
  flavour(): 'ofd' | 'posix' | 'win32';
}

/** The addon was not built (no C compiler at install, or a worktree that never ran it). */
export class NativeAddonMissing extends VllsiError<'NativeAddonMissing'> {
  constructor(readonly searched: string[]) {
    super(
      'NativeAddonMissing',
      `the OS addon (vllsi_os.node) is not built: run \`node tools/build-native.js\` (needs a C compiler and Node's headers); looked in ${searched.join(', ')}`,
    );
  }
}

let loaded: NativeOs | undefined;

export function nativeOs(): NativeOs {
  if (loaded) return loaded;
  // From host-sim/os (sources) or dist/node/host-sim/os (build): walk up to the package root.
  const searched: string[] = [];
  for (let dir = path.dirname(fileURLToPath(import.meta.url)), i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'native/os/build/Release/vllsi_os.node');
    searched.push(file);
    if (fs.existsSync(file)) {
      loaded = createRequire(import.meta.url)(file) as NativeOs;
      return loaded;
    }
  }
  throw new NativeAddonMissing(searched);
}
