// The device HAL module ("vllsi-hal" in manifest.json, bundled to dist/xs/vllsi-hal.js).
// It is preloaded, so it makes nothing at module level: the app's (unpreloaded) main calls
// deviceHal() once, which binds the chip's natives (claiming its spinlocks) at run time.
import { nativeHal } from './bindings.js';
import { XsHal } from './xs-hal.js';

export { XsHal, IrqError } from './xs-hal.js';
export type { NativeHal, XsHalOptions } from './xs-hal.js';

/** The chip's HAL, console output through Moddable's trace(). Call once, from main. */
export default function deviceHal(): XsHal {
  return new XsHal(nativeHal, { write: (text) => trace(text) });
}
