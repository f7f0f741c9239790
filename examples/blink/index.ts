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

export interface BlinkOptions {
  /** Where blink's text goes instead of straight into the console UART (an app that shares the UART queues it with its own output). */
  readonly write?: (text: string) => void;
}

/** main(hal, board): `hal` is already bound (src/platform.ts); blink reaches it through src/mmio. */
export default function main(_hal: Hal, board: BoardSpec, options: BlinkOptions = {}): void {
  const hw: BlinkHardware = board.chip === 'rp2040' ? rp2040Hardware(board.console.tx, board.console.rx) : esp32Hardware();
  const pin = board.led.pin;
  hw.consoleInit();
  hw.ledInit(pin);
  const write = options.write ?? ((text: string) => hw.consoleWrite(text));
  let ticks = 0;
  // Deadlines on a grid from now: the period does not drift by the handler's latency, and a
  // deadline that passed while the handler ran (JS slower than its period) is skipped.
  let next = (Math.floor(hw.nowUs() / PERIOD_US) + 1) * PERIOD_US;
  const arm = () => {
    while (!hw.alarmAt(next)) next += PERIOD_US;
  };
  setInterruptHandler(hw.alarmIrq, () => {
    hw.alarmAck();
    const on = hw.ledToggle(pin);
    ticks++;
    write(`tick ${ticks}: led ${on ? 'on' : 'off'}\r\n`);
    next += PERIOD_US;
    arm();
  });
  enableIrq(hw.alarmIrq);
  arm();
  write(`blink ready on ${board.name}: LED on GPIO${pin}, toggling every ${PERIOD_US / 1000} ms\r\n`);
}
