// Boots the runtime the way a device does (embedded profile, a HAL, the default stack arena);
// bench/xs-perf.bench.js measures the XS heap before and after.
import { init, shutdown } from '../../src/index.js';
import { MemHal } from '../../test/support/mem-hal.js';

export function boot(): void {
  init({ hal: new MemHal({ regions: [{ name: 'SRAM', base: 0x20000000, size: 0x1000 }] }) });
}
export { shutdown };
