// Sensor: every 100 ms (timer-alarm interrupt) read ADC channels 0-3, pack each
// reading into a 16-bit sample (sample.ts), keep the last samples in a RAM ring
// (16-bit stores) and print them on the console. The RP2040's ADC is modelled
// (rp2040js); the ESP32 simulator has no ADC model, so this example is rpi-pico only.
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../hal/contract.js';
import { InvalidArgument } from '../../src/errors.js';
import { Sample, packSample } from './sample.js';

const ADC = 0x4004c000, ADC_CS = ADC, ADC_RESULT = ADC + 0x04;
const CS_EN = 1 << 0, CS_START_ONCE = 1 << 2, CS_READY = 1 << 8;
const TIMER = 0x40054000, TIMER_ALARM0 = TIMER + 0x10, TIMER_TIMERAWL = TIMER + 0x28, TIMER_INTR = TIMER + 0x34, TIMER_INTE = TIMER + 0x38;
const UART0 = 0x40034000, UARTDR = UART0, UARTFR = UART0 + 0x18, UARTCR = UART0 + 0x30, UARTFR_TXFF = 1 << 5;
export const PERIOD_US = 100_000;
export const CHANNELS = 4;
/** Ring of the last 64 samples, 16 bits each, in SRAM. */
export const RING = 0x20010000, RING_SLOTS = 64;

export default function main(hal: Hal, board: BoardSpec): void {
  if (board.chip !== 'rp2040') throw new InvalidArgument('board', board.name, 'the sensor example reads the RP2040 ADC; the simulator has no ADC model for this chip');
  const write = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      while (hal.load32(UARTFR) & UARTFR_TXFF);
      hal.store32(UARTDR, text.charCodeAt(i));
    }
  };
  const readAdc = (channel: number): number => {
    hal.store32(ADC_CS, CS_EN | (channel << 12) | CS_START_ONCE);
    while (!(hal.load32(ADC_CS) & CS_READY)); // a conversion takes 2 us of simulated time
    return hal.load32(ADC_RESULT) & 0xfff;
  };
  hal.store32(UARTCR, 0x301);
  hal.store32(ADC_CS, CS_EN);
  let slot = 0;
  let next = (Math.floor(hal.load32(TIMER_TIMERAWL) / PERIOD_US) + 1) * PERIOD_US;
  hal.irqSetHandler(0, () => {
    hal.store32(TIMER_INTR, 1);
    const parts: string[] = [];
    for (let ch = 0; ch < CHANNELS; ch++) {
      const raw = packSample(ch, readAdc(ch));
      hal.store16(RING + 2 * slot, raw);
      slot = (slot + 1) % RING_SLOTS;
      const s = Sample.fromBits(raw);
      parts.push(`ch${s.channel}=${s.value}`);
    }
    write(`sample ${parts.join(' ')}\r\n`);
    next += PERIOD_US;
    hal.store32(TIMER_ALARM0, next >>> 0);
  });
  hal.irqSetEnabled(0, true);
  hal.store32(TIMER_INTE, 1);
  hal.store32(TIMER_ALARM0, next >>> 0);
  write('sensor ready\r\n');
}
