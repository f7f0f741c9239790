// Blink: the LED toggles every 250 ms from a timer-alarm interrupt and each toggle
// is reported on the console UART. The same code runs on the RP2040 and the ESP32
// (simulated or real) through the bound HAL and src/mmio; only the register-level
// drivers (rp2040.ts, esp32.ts) differ.
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import { enableIrq, setInterruptHandler } from '../../src/interrupt.js';
import { esp32Hardware } from './esp32.js';
import type { BlinkHardware } from './hw.js';
import { rp2040Hardware } from './rp2040.js';

export const PERIOD_US = 250_000;

/** main(hal, board): `hal` is already bound (src/platform.ts); blink reaches it through src/mmio. */
export default function main(_hal: Hal, board: BoardSpec): void {
  const hw: BlinkHardware = board.chip === 'rp2040' ? rp2040Hardware(board.console.tx, board.console.rx) : esp32Hardware();
  const pin = board.led.pin;
  hw.consoleInit();
  hw.ledInit(pin);
  let ticks = 0;
  // Absolute deadlines: the period does not drift by the handler's latency.
  let next = (Math.floor(hw.nowUs() / PERIOD_US) + 1) * PERIOD_US;
  setInterruptHandler(hw.alarmIrq, () => {
    hw.alarmAck();
    const on = hw.ledToggle(pin);
    ticks++;
    hw.consoleWrite(`tick ${ticks}: led ${on ? 'on' : 'off'}\r\n`);
    next += PERIOD_US;
    hw.alarmAt(next);
  });
  enableIrq(hw.alarmIrq);
  hw.alarmAt(next);
  hw.consoleWrite(`blink ready on ${board.name}: LED on GPIO${pin}, toggling every ${PERIOD_US / 1000} ms\r\n`);
}
