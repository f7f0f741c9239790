// Blink's hardware on the RP2040: SIO for the LED, UART0 (PL011) for the console,
// TIMER alarm 0 (TIMER_IRQ_0) for the tick. Addresses from the RP2040 datasheet.
import type { Hal } from '../../hal/contract.js';
import type { BlinkHardware } from './hw.js';

const RESETS = 0x4000c000, RESETS_RESET = RESETS, RESETS_RESET_DONE = RESETS + 0x8;
const RESET_IO_BANK0 = 1 << 5, RESET_PADS_BANK0 = 1 << 8, RESET_TIMER = 1 << 21, RESET_UART0 = 1 << 22;
const IO_BANK0 = 0x40014000;
const gpioCtrl = (n: number) => IO_BANK0 + 0x004 + 8 * n;
const FUNCSEL_UART = 2, FUNCSEL_SIO = 5;
const CLR_ALIAS = 0x3000;
const SIO_GPIO_OUT_CLR = 0xd0000018, SIO_GPIO_OUT_XOR = 0xd000001c, SIO_GPIO_OE_SET = 0xd0000024, SIO_GPIO_OUT = 0xd0000010;
const UART0 = 0x40034000, UARTDR = UART0, UARTFR = UART0 + 0x18, UARTIBRD = UART0 + 0x24, UARTFBRD = UART0 + 0x28, UARTLCR_H = UART0 + 0x2c, UARTCR = UART0 + 0x30;
const UARTFR_TXFF = 1 << 5;
const TIMER = 0x40054000, TIMER_ALARM0 = TIMER + 0x10, TIMER_TIMERAWL = TIMER + 0x28, TIMER_INTR = TIMER + 0x34, TIMER_INTE = TIMER + 0x38;

export function rp2040Hardware(hal: Hal, consoleTx: number, consoleRx: number): BlinkHardware {
  const encoder = new TextEncoder();
  return {
    ledInit(pin) {
      const used = RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_TIMER | RESET_UART0;
      hal.store32(RESETS_RESET + CLR_ALIAS, used); // take the blocks out of reset (atomic CLR alias)
      while ((hal.load32(RESETS_RESET_DONE) & used) !== used);
      hal.store32(SIO_GPIO_OUT_CLR, 1 << pin);
      hal.store32(SIO_GPIO_OE_SET, 1 << pin);
      hal.store32(gpioCtrl(pin), FUNCSEL_SIO);
    },
    ledToggle(pin) {
      hal.store32(SIO_GPIO_OUT_XOR, 1 << pin);
      return ((hal.load32(SIO_GPIO_OUT) >>> pin) & 1) === 1;
    },
    consoleInit() {
      // 115200 baud from clk_peri = 125 MHz: 125e6 / (16 * 115200) = 67 + 52/64.
      hal.store32(UARTIBRD, 67);
      hal.store32(UARTFBRD, 52);
      hal.store32(UARTLCR_H, (0b11 << 5) | (1 << 4)); // 8 bits, FIFOs on
      hal.store32(UARTCR, (1 << 9) | (1 << 8) | 1); // RXE, TXE, UARTEN
      hal.store32(gpioCtrl(consoleTx), FUNCSEL_UART);
      hal.store32(gpioCtrl(consoleRx), FUNCSEL_UART);
    },
    consoleWrite(text) {
      for (const b of encoder.encode(text)) {
        while (hal.load32(UARTFR) & UARTFR_TXFF);
        hal.store32(UARTDR, b);
      }
    },
    alarmIrq: 0, // TIMER_IRQ_0
    nowUs: () => hal.load32(TIMER_TIMERAWL),
    alarmAt(atUs) {
      hal.store32(TIMER_INTE, hal.load32(TIMER_INTE) | 1);
      hal.store32(TIMER_ALARM0, atUs >>> 0);
    },
    alarmAck: () => hal.store32(TIMER_INTR, 1),
  };
}
