// Sensor: every 100 ms (timer-alarm interrupt) read ADC channels 0-3, pack each
// reading into a 16-bit sample (sample.ts), keep the last samples in a RAM ring
// (16-bit stores) and print them on the console. The RP2040's ADC is modelled
// (rp2040js); the ESP32 simulator has no ADC model, so this example is rpi-pico only.
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import { InvalidArgument } from '../../src/errors.js';
import { enableIrq, setInterruptHandler } from '../../src/interrupt.js';
import { volatileStore } from '../../src/mmio.js';
import { peripheral } from '../../src/peripheral.js';
import type { PeripheralDef } from '../../src/register_def.js';
// vllsi/registers/rp2040: named imports, so a device build bundles only these definitions.
import { TIMER, UART0 } from '../../src/registers/rp2040.js';
import { Sample, packSample } from './sample.js';

/** The two ADC registers this example uses (RP2040 datasheet 4.9.6). */
const ADC = {
  name: 'ADC',
  baseAddress: 0x4004c000,
  atomicAliases: true,
  registers: {
    CS: {
      addressOffset: 0x00,
      fields: { AINSEL: { bitOffset: 12, bitWidth: 3 }, READY: { bitOffset: 8, bitWidth: 1, access: 'read-only' }, START_ONCE: { bitOffset: 2, bitWidth: 1 }, EN: { bitOffset: 0, bitWidth: 1 } },
    },
    RESULT: { addressOffset: 0x04, access: 'read-only', fields: { RESULT: { bitOffset: 0, bitWidth: 12 } } },
  },
} as const satisfies PeripheralDef;

export const PERIOD_US = 100_000;
export const CHANNELS = 4;
/** Ring of the last 64 samples, 16 bits each, in SRAM. */
export const RING = 0x20010000, RING_SLOTS = 64;

export default function main(_hal: Hal, board: BoardSpec): void {
  if (board.chip !== 'rp2040') throw new InvalidArgument('board', board.name, 'the sensor example reads the RP2040 ADC; the simulator has no ADC model for this chip');
  const adc = peripheral(ADC);
  const timer = peripheral(TIMER);
  const uart = peripheral(UART0);
  const write = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      while (uart.UARTFR.isSet('TXFF'));
      uart.UARTDR.write({ DATA: text.charCodeAt(i) });
    }
  };
  const readAdc = (channel: number): number => {
    adc.CS.write({ EN: 1, AINSEL: channel, START_ONCE: 1 });
    while (!adc.CS.isSet('READY')); // a conversion takes 2 us of simulated time
    return adc.RESULT.get('RESULT');
  };
  uart.UARTCR.write({ UARTEN: 1, TXE: 1, RXE: 1 });
  adc.CS.write({ EN: 1 });
  let slot = 0;
  let next = (Math.floor(timer.TIMERAWL.read() / PERIOD_US) + 1) * PERIOD_US;
  setInterruptHandler(TIMER.interrupts.TIMER_IRQ_0, () => {
    timer.INTR.write({ ALARM_0: 1 });
    const parts: string[] = [];
    for (let ch = 0; ch < CHANNELS; ch++) {
      const raw = packSample(ch, readAdc(ch));
      volatileStore(RING + 2 * slot, raw, 16);
      slot = (slot + 1) % RING_SLOTS;
      const s = Sample.fromBits(raw);
      parts.push(`ch${s.channel}=${s.value}`);
    }
    write(`sample ${parts.join(' ')}\r\n`);
    next += PERIOD_US;
    timer.ALARM0.write(next >>> 0);
  });
  enableIrq(TIMER.interrupts.TIMER_IRQ_0);
  timer.INTE.write({ ALARM_0: 1 });
  timer.ALARM0.write(next >>> 0);
  write('sensor ready\r\n');
}
