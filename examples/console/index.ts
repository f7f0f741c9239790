// Console: blink (the heartbeat) plus the register console service on the board's console
// UART, so that `vllsi inspect` can read and change registers while the firmware runs:
//
//   vllsi sim --console tcp:4321 examples/console      # then, in another terminal:
//   vllsi inspect --port tcp://127.0.0.1:4321 dump SIO
//
// The UART driver is interrupt-driven on receive (RX and RX-timeout interrupts of the PL011)
// and writes answers straight into the TX FIFO; on the ESP32, UART0's RXFIFO_FULL interrupt
// at a one-byte threshold.
// Writes need the token `vllsi sim --console` prints (vllsi inspect reads it from
// VLLSI_CONSOLE_TOKEN, --token-file or a prompt).
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import { ConsoleService, unpackMap } from '../../src/console/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { bindHal } from '../../src/platform.js';
import blink from '../blink/index.js';
import rp2040Map from '../../boards/rpi-pico/registers.json' with { type: 'json' };
import esp32Map from '../../boards/esp32-devkitc/registers.json' with { type: 'json' };

/** The console UART, by registers: interrupt-driven receive, answers straight into the TX FIFO. */
interface ConsoleUart {
  readonly irq: number;
  /** Enables the receive interrupt. */
  start(): void;
  /** Moves what the RX FIFO holds into `into` (at most its length) and acknowledges the interrupt; returns the count. */
  drain(into: Uint8Array): number;
  send(byte: number): void;
}

/** RP2040 UART0 (PL011): RX and RX-timeout interrupts. */
function rp2040Uart(hal: Hal): ConsoleUart {
  const UART0 = 0x40034000,
    UARTDR = UART0,
    UARTFR = UART0 + 0x18,
    UARTIMSC = UART0 + 0x38;
  const UARTFR_RXFE = 1 << 4,
    UARTFR_TXFF = 1 << 5;
  const UARTIMSC_RXIM = 1 << 4,
    UARTIMSC_RTIM = 1 << 6;
  return {
    irq: 20,
    start: () => hal.store32(UARTIMSC, UARTIMSC_RXIM | UARTIMSC_RTIM),
    drain(into) {
      let n = 0;
      while (!(hal.load32(UARTFR) & UARTFR_RXFE) && n < into.length) into[n++] = hal.load32(UARTDR) & 0xff;
      return n;
    },
    send(b) {
      while (hal.load32(UARTFR) & UARTFR_TXFF);
      hal.store32(UARTDR, b);
    },
  };
}

/** ESP32 UART0 (TRM ch. 13): RXFIFO_FULL at a threshold of one byte (interrupt source 34). */
function esp32Uart(hal: Hal): ConsoleUart {
  const UART0 = 0x3ff40000,
    FIFO = UART0,
    INT_ENA = UART0 + 0x0c,
    INT_CLR = UART0 + 0x10,
    STATUS = UART0 + 0x1c,
    CONF1 = UART0 + 0x24;
  const RXFIFO_FULL = 1,
    TXFIFO_CAPACITY = 128;
  return {
    irq: 34,
    start() {
      hal.store32(CONF1, (0x60 << 8) | 1); // TXFIFO_EMPTY threshold as reset, RXFIFO_FULL at 1 byte
      hal.store32(INT_ENA, RXFIFO_FULL);
    },
    drain(into) {
      let n = 0;
      for (let count = hal.load32(STATUS) & 0xff; count > 0 && n < into.length; count--) into[n++] = hal.load32(FIFO) & 0xff;
      hal.store32(INT_CLR, RXFIFO_FULL); // re-asserts at once if bytes remain
      return n;
    },
    send(b) {
      while (((hal.load32(STATUS) >>> 16) & 0xff) >= TXFIFO_CAPACITY - 1);
      hal.store32(FIFO, b);
    },
  };
}

// The RP2040 map is unpacked at module level: on a device that runs while xsl preloads, so it is in flash,
// not in the XS heap. A device build keeps the peripherals the app uses (docs/console.md).
const map = unpackMap(rp2040Map);

export default function main(hal: Hal, board: BoardSpec): void {
  if (board.console.uart !== 0) throw new InvalidArgument('board', board.name, 'the console example drives UART0 (the console of rpi-pico and esp32-devkitc)');
  blink(hal, board);
  // The console reads and writes through src/mmio.ts's path: this HAL, behind the permission gate.
  bindHal(hal);
  const uart = board.chip === 'rp2040' ? rp2040Uart(hal) : esp32Uart(hal);
  const service = new ConsoleService({
    map: board.chip === 'rp2040' ? map : unpackMap(esp32Map),
    board: board.name,
    runtime: 'vllsi example console',
    uptimeMs: () => hal.nowNs() / 1e6,
    // The board's token (vllsi sim --console generates one per run and prints it); none: writes stay disabled.
    unlockToken: board.console.token,
    send(bytes) {
      for (const b of bytes) uart.send(b);
    },
  });
  const rx = new Uint8Array(32);
  hal.irqSetHandler(uart.irq, () => service.receive(rx.subarray(0, uart.drain(rx))));
  uart.start();
  hal.irqSetEnabled(uart.irq, true);
}
