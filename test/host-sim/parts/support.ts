export { I2cBus } from '../../../host-sim/parts/i2c.js';
export { SpiBus } from '../../../host-sim/parts/spi.js';
export { Tmp102 } from '../../../host-sim/parts/tmp102.js';
export { Mcp3008 } from '../../../host-sim/parts/mcp3008.js';
import { InvalidArgument } from '../../../src/errors.js';
/** A matcher for toThrow: an InvalidArgument about `argument`. */
export const InvalidArgumentOf = (argument: string) => new RegExp(`^invalid ${argument} `);
export { InvalidArgument };
