// The device HAL module ("vllsi-hal" in manifest.json, bundled to dist/xs/vllsi-hal.js):
// one XsHal over the chip's natives, console output through Moddable's trace().
import { nativeHal } from './bindings.js';
import { XsHal } from './xs-hal.js';

export { XsHal, IrqError } from './xs-hal.js';
export type { NativeHal, XsHalOptions } from './xs-hal.js';

const hal = new XsHal(nativeHal, { write: (text) => trace(text) });
export default hal;
