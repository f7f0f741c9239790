// The RP2040 register definitions the blink example imports, alone: their XS heap cost
// (bench/xs-perf.bench.js).
import { IO_BANK0, RESETS, SIO, TIMER, UART0 } from '../../src/registers/rp2040.js';

export const definitions = [IO_BANK0, RESETS, SIO, TIMER, UART0];
