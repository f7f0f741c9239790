// Console: blink (the heartbeat) plus the register console service on the board's console
// UART, so that `vllsi inspect` can read and change registers while the firmware runs:
//
//   vllsi sim --console tcp:4321 examples/console      # then, in another terminal:
//   vllsi inspect --port tcp://127.0.0.1:4321 dump SIO
//
// The UART driver is interrupt-driven on receive (RX and RX-timeout interrupts of the PL011)
// and writes answers straight into the TX FIFO. RP2040 only for now. Writes need the token
// `vllsi sim --console` prints (vllsi inspect reads it from VLLSI_CONSOLE_TOKEN, --token-file or a prompt).
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import { ConsoleService, unpackMap } from '../../src/console/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { bindHal } from '../../src/platform.js';
import blink from '../blink/index.js';
import rp2040Map from '../../boards/rpi-pico/registers.json' with { type: 'json' };

const UART0 = 0x40034000, UARTDR = UART0, UARTFR = UART0 + 0x18, UARTIMSC = UART0 + 0x38;
const UARTFR_RXFE = 1 << 4, UARTFR_TXFF = 1 << 5;
const UARTIMSC_RXIM = 1 << 4, UARTIMSC_RTIM = 1 << 6;
const UART0_IRQ = 20;

export default function main(hal: Hal, board: BoardSpec): void {
  if (board.chip !== 'rp2040' || board.console.uart !== 0) {
    throw new InvalidArgument('board', board.name, 'the console example drives the RP2040 UART0 only (so far)');
  }
  blink(hal, board);
  // The console reads and writes through src/mmio.ts's path: this HAL, behind the permission gate.
  bindHal(hal);
  const service = new ConsoleService({
    map: unpackMap(rp2040Map),
    board: board.name,
    runtime: 'vllsi example console',
    uptimeMs: () => hal.nowNs() / 1e6,
    // The board's token (vllsi sim --console generates one per run and prints it); none: writes stay disabled.
    unlockToken: board.console.token,
    send(bytes) {
      for (const b of bytes) {
        while (hal.load32(UARTFR) & UARTFR_TXFF);
        hal.store32(UARTDR, b);
      }
    },
  });
  const rx = new Uint8Array(32);
  hal.irqSetHandler(UART0_IRQ, () => {
    let n = 0;
    while (!(hal.load32(UARTFR) & UARTFR_RXFE) && n < rx.length) rx[n++] = hal.load32(UARTDR) & 0xff;
    service.receive(rx.subarray(0, n));
  });
  hal.store32(UARTIMSC, UARTIMSC_RXIM | UARTIMSC_RTIM);
  hal.irqSetEnabled(UART0_IRQ, true);
}
