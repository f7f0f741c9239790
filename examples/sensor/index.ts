// Sensor: every 100 ms (timer-alarm interrupt) read ADC channels 0-3, pack each
// reading into a 16-bit sample (sample.ts), keep the last samples in a ring the app owns
// (a Uint16Array: raw SRAM belongs to the SDK's malloc heap on a device) and print them on
// the console, read back from the ring. Console and alarm are blink's RP2040 drivers. The
// example drives the RP2040's ADC registers, so it is rpi-pico only.
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import { InvalidArgument } from '../../src/errors.js';
import { enableIrq, setInterruptHandler } from '../../src/interrupt.js';
import { peripheral } from '../../src/peripheral.js';
import type { PeripheralDef } from '../../src/register_def.js';
// vllsi/registers/rp2040: named imports, so a device build bundles only these definitions.
import { RESETS } from '../../src/registers/rp2040.js';
import { rp2040Hardware } from '../blink/rp2040.js';
import { Sample, packSample } from './sample.js';

/** The two ADC registers this example uses (RP2040 datasheet 4.9.6). */
const ADC = {
  name: 'ADC',
  baseAddress: 0x4004c000,
  atomicAliases: true,
  registers: {
    CS: {
      addressOffset: 0x00,
      fields: {
        AINSEL: { bitOffset: 12, bitWidth: 3 },
        READY: { bitOffset: 8, bitWidth: 1, access: 'read-only' },
        START_ONCE: { bitOffset: 2, bitWidth: 1 },
        EN: { bitOffset: 0, bitWidth: 1 },
      },
    },
    RESULT: { addressOffset: 0x04, access: 'read-only', fields: { RESULT: { bitOffset: 0, bitWidth: 12 } } },
  },
} as const satisfies PeripheralDef;

export const PERIOD_US = 100_000;
export const CHANNELS = 4;
/** The ring keeps the last 64 samples, 16 bits each. */
export const RING_SLOTS = 64;

export default function main(_hal: Hal, board: BoardSpec): void {
  if (board.chip !== 'rp2040') throw new InvalidArgument('board', board.name, 'the sensor example reads the RP2040 ADC registers');
  const hw = rp2040Hardware(board.console.tx, board.console.rx);
  const adc = peripheral(ADC);
  const resets = peripheral(RESETS);
  const readAdc = (channel: number): number => {
    adc.CS.write({ EN: 1, AINSEL: channel, START_ONCE: 1 });
    while (!adc.CS.isSet('READY')); // a conversion takes 2 us of simulated time
    return adc.RESULT.get('RESULT');
  };
  hw.consoleInit();
  resets.RESET.atomicClear({ ADC: 1 }); // pico-sdk leaves the ADC in reset
  while (!resets.RESET_DONE.isSet('ADC'));
  adc.CS.write({ EN: 1 });
  const ring = new Uint16Array(RING_SLOTS);
  let slot = 0;
  // Deadlines on a grid from now; a deadline that passed while the handler ran is skipped
  // (on a chip the handler's JS may take longer than the period).
  let next = (Math.floor(hw.nowUs() / PERIOD_US) + 1) * PERIOD_US;
  const arm = () => {
    while (!hw.alarmAt(next)) next += PERIOD_US;
  };
  setInterruptHandler(hw.alarmIrq, () => {
    hw.alarmAck();
    const parts: string[] = [];
    for (let ch = 0; ch < CHANNELS; ch++) {
      ring[slot] = packSample(ch, readAdc(ch));
      const s = Sample.fromBits(ring[slot]!);
      slot = (slot + 1) % RING_SLOTS;
      parts.push(`ch${s.channel}=${s.value}`);
    }
    hw.consoleWrite(`sample ${parts.join(' ')}\r\n`);
    next += PERIOD_US;
    arm();
  });
  enableIrq(hw.alarmIrq);
  arm();
  hw.consoleWrite('sensor ready\r\n');
}
