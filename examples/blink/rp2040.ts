// Blink's hardware on the RP2040, through the register definitions of
// src/registers/rp2040.ts: SIO for the LED, UART0 (PL011) for the console, TIMER
// alarm 0 (TIMER_IRQ_0) for the tick.
import { peripheral } from '../../src/peripheral.js';
// vllsi/registers/rp2040: named imports, so a device build bundles only these definitions.
import { IO_BANK0, RESETS, SIO, TIMER, UART0 } from '../../src/registers/rp2040.js';
import type { BlinkHardware } from './hw.js';

// FUNCSEL values (pico-sdk gpio_function): the SVD names them per pin (sio_25, uart0_tx...),
// so code that works for any pin writes the numbers.
const GPIO_FUNC_UART = 2,
  GPIO_FUNC_SIO = 5;

export function rp2040Hardware(consoleTx: number, consoleRx: number): BlinkHardware {
  const resets = peripheral(RESETS);
  const io = peripheral(IO_BANK0);
  const sio = peripheral(SIO);
  const uart = peripheral(UART0);
  const timer = peripheral(TIMER);
  // Take the blocks out of reset (the CLR alias: no read-modify-write) and wait until they are:
  // a block held in reset ignores its configuration.
  const used = { IO_BANK0: 1, PADS_BANK0: 1, TIMER: 1, UART0: 1 } as const;
  const release = () => {
    resets.RESET.atomicClear(used);
    while (!resets.RESET_DONE.matches(used));
  };
  return {
    ledInit(pin) {
      release();
      sio.GPIO_OUT_CLR.write(1 << pin);
      sio.GPIO_OE_SET.write(1 << pin);
      io.GPIO_CTRL[pin].write({ FUNCSEL: GPIO_FUNC_SIO });
    },
    ledToggle(pin) {
      sio.GPIO_OUT_XOR.write(1 << pin);
      return ((sio.GPIO_OUT.read() >>> pin) & 1) === 1;
    },
    consoleInit() {
      release();
      // The SDK's stdio may have set the UART up already: disable it while it is changed.
      uart.UARTCR.write(0);
      // 115200 baud from clk_peri = 125 MHz: 125e6 / (16 * 115200) = 67 + 52/64.
      uart.UARTIBRD.write({ BAUD_DIVINT: 67 });
      uart.UARTFBRD.write({ BAUD_DIVFRAC: 52 });
      uart.UARTLCR_H.write({ WLEN: 0b11, FEN: 1 });
      uart.UARTCR.write({ UARTEN: 1, TXE: 1, RXE: 1 });
      io.GPIO_CTRL[consoleTx].write({ FUNCSEL: GPIO_FUNC_UART });
      io.GPIO_CTRL[consoleRx].write({ FUNCSEL: GPIO_FUNC_UART });
    },
    consoleWrite(text) {
      for (let i = 0; i < text.length; i++) {
        while (uart.UARTFR.isSet('TXFF'));
        uart.UARTDR.write({ DATA: text.charCodeAt(i) & 0xff });
      }
    },
    alarmIrq: TIMER.interrupts.TIMER_IRQ_0,
    nowUs: () => timer.TIMERAWL.read(),
    alarmAt(atUs) {
      timer.INTE.atomicSet({ ALARM_0: 1 });
      timer.ALARM0.write(atUs >>> 0);
      // Still armed with the time passed: the equality compare was missed (pico-sdk's check too).
      return !(timer.ARMED.read() & 1 && ((timer.TIMERAWL.read() - atUs) | 0) >= 0);
    },
    alarmAck: () => timer.INTR.write({ ALARM_0: 1 }),
  };
}
