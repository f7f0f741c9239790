// Console: blink (the heartbeat) plus the register console service on the board's console
// UART, so that `vllsi inspect` can read and change registers while the firmware runs:
//
//   vllsi sim --console tcp:4321 examples/console      # then, in another terminal:
//   vllsi inspect --port tcp://127.0.0.1:4321 dump SIO
//
// As firmware on a chip does it, in three parts:
// - the UART's receive ISR only moves bytes from the RX FIFO into a bounded queue. When the
//   queue is full it masks the receive interrupt: bytes wait in the FIFO, and a host with flow
//   control (the simulator's bridge) waits too. END_OF_SESSION drops the queued input before it;
// - a task on a second timer alarm (the main loop of a superloop) runs the service on whole
//   lines, only while the answers queued so far are short (ConsoleService.receive's `room`),
//   and moves queued answers into the TX FIFO as it has room. It runs while there is work;
// - blink's text goes through the same answer queue, so a tick line never splits an answer.
// So the firmware keeps its timing under any input: no handler waits for the UART.
// Writes need the token `vllsi sim --console` prints (vllsi inspect reads it from
// VLLSI_CONSOLE_TOKEN, --token-file or a prompt).
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import { ConsoleService, END_OF_SESSION, asciiEncode, unpackMap } from '../../src/console/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { bindHal } from '../../src/platform.js';
import blink from '../blink/index.js';
import rp2040Map from '../../boards/rpi-pico/registers.json' with { type: 'json' };
import esp32Map from '../../boards/esp32-devkitc/registers.json' with { type: 'json' };

/** The console UART and the task's timer alarm, by registers. */
interface ConsoleHardware {
  readonly uartIrq: number;
  /** Unmasks (or masks) the receive interrupt. */
  receiveInterrupt(on: boolean): void;
  /** Moves at most `max` bytes from the RX FIFO to `put` and acknowledges the interrupt. */
  drain(put: (byte: number) => void, max: number): void;
  /** True while the TX FIFO has room for a byte. */
  txReady(): boolean;
  send(byte: number): void;
  readonly taskIrq: number;
  /** Enables the task timer's interrupt (once; an alarm that fired before stays pending). */
  taskInit(): void;
  /** The task's interrupt `us` microseconds from now. */
  taskAfter(us: number): void;
  taskAck(): void;
}

/** RP2040: UART0 (PL011) RX and RX-timeout interrupts; TIMER alarm 1 (blink has alarm 0). */
function rp2040Hardware(hal: Hal): ConsoleHardware {
  const UART0 = 0x40034000,
    UARTDR = UART0,
    UARTFR = UART0 + 0x18,
    UARTIMSC = UART0 + 0x38;
  const UARTFR_RXFE = 1 << 4,
    UARTFR_TXFF = 1 << 5;
  const UARTIMSC_RXIM = 1 << 4,
    UARTIMSC_RTIM = 1 << 6;
  const TIMER = 0x40054000,
    ALARM1 = TIMER + 0x14,
    ARMED = TIMER + 0x20,
    TIMERAWL = TIMER + 0x28,
    INTR = TIMER + 0x34,
    INTE_SET = TIMER + 0x2000 + 0x38;
  const ALARM_1 = 1 << 1;
  return {
    uartIrq: 20,
    receiveInterrupt: (on) => hal.store32(UARTIMSC, on ? UARTIMSC_RXIM | UARTIMSC_RTIM : 0),
    drain(put, max) {
      for (let n = 0; n < max && !(hal.load32(UARTFR) & UARTFR_RXFE); n++) put(hal.load32(UARTDR) & 0xff);
    },
    txReady: () => !(hal.load32(UARTFR) & UARTFR_TXFF),
    send: (b) => hal.store32(UARTDR, b),
    taskIrq: 1,
    taskInit: () => hal.store32(INTE_SET, ALARM_1),
    taskAfter(us) {
      // The alarm compares on equality: one armed for a time already past would not fire (blink's alarmAt says more).
      for (let d = us; ; d *= 2) {
        const at = (hal.load32(TIMERAWL) + d) >>> 0;
        hal.store32(ALARM1, at);
        if (!(hal.load32(ARMED) & ALARM_1) || ((hal.load32(TIMERAWL) - at) | 0) < 0) return;
      }
    },
    taskAck: () => hal.store32(INTR, ALARM_1),
  };
}

/** ESP32: UART0's RXFIFO_FULL at a one-byte threshold (interrupt source 34); TIMG0 timer 1 (blink has timer 0). */
function esp32Hardware(hal: Hal): ConsoleHardware {
  const UART0 = 0x3ff40000,
    FIFO = UART0,
    INT_ENA = UART0 + 0x0c,
    INT_CLR = UART0 + 0x10,
    STATUS = UART0 + 0x1c,
    CONF1 = UART0 + 0x24;
  const RXFIFO_FULL = 1,
    TXFIFO_CAPACITY = 128;
  const TIMG0 = 0x3ff5f000,
    T1CONFIG = TIMG0 + 0x24,
    T1ALARMLO = TIMG0 + 0x34,
    T1ALARMHI = TIMG0 + 0x38,
    T1LOADLO = TIMG0 + 0x3c,
    T1LOADHI = TIMG0 + 0x40,
    T1LOAD = TIMG0 + 0x44;
  const INT_ENA_TIMERS = TIMG0 + 0x98,
    INT_CLR_TIMERS = TIMG0 + 0xa4,
    T1_INT = 1 << 1;
  // EN, INCREASE, DIVIDER 80 (1 µs ticks from the 80 MHz APB clock), LEVEL_INT_EN; ALARM_EN clears itself when the alarm fires.
  const T1_RUN = ((1 << 31) | (1 << 30) | (80 << 13) | (1 << 11)) >>> 0,
    ALARM_EN = 1 << 10;
  return {
    uartIrq: 34,
    receiveInterrupt(on) {
      hal.store32(CONF1, (0x60 << 8) | 1); // TXFIFO_EMPTY threshold as reset, RXFIFO_FULL at 1 byte
      hal.store32(INT_ENA, on ? RXFIFO_FULL : 0);
    },
    drain(put, max) {
      for (let count = hal.load32(STATUS) & 0xff, n = 0; n < count && n < max; n++) put(hal.load32(FIFO) & 0xff);
      hal.store32(INT_CLR, RXFIFO_FULL); // re-asserts at once if bytes remain
    },
    txReady: () => ((hal.load32(STATUS) >>> 16) & 0xff) < TXFIFO_CAPACITY - 1,
    send: (b) => hal.store32(FIFO, b),
    taskIrq: 15,
    taskInit: () => hal.store32(INT_ENA_TIMERS, hal.load32(INT_ENA_TIMERS) | T1_INT),
    taskAfter(us) {
      // Count from 0 to `us`: an alarm at or behind the count fires at once, so it is never missed.
      hal.store32(T1LOADLO, 0);
      hal.store32(T1LOADHI, 0);
      hal.store32(T1LOAD, 1);
      hal.store32(T1ALARMHI, 0);
      hal.store32(T1ALARMLO, us);
      hal.store32(T1CONFIG, (T1_RUN | ALARM_EN) >>> 0);
    },
    taskAck: () => hal.store32(INT_CLR_TIMERS, T1_INT),
  };
}

/** Received bytes the task has not fed yet: at most a long line and a FIFO (the RP2040's is 32 deep). */
export const RX_QUEUE = 512;
/** The task feeds the next line only while fewer answer bytes than this wait for the TX FIFO. */
export const ANSWER_LOW = 256;
/** Queued text beyond which blink's lines are dropped (answers stay bounded by ANSWER_LOW plus one answer). */
export const TEXT_CAP = 8192;
/** Task period while it has work: the RP2040's 32-byte TX FIFO lasts 2.8 ms at 115200 baud. */
export const TASK_US = 500;

// The RP2040 map is unpacked at module level: on a device that runs while xsl preloads, so it is in flash,
// not in the XS heap. A device build keeps the peripherals the app uses (docs/console.md).
const map = unpackMap(rp2040Map);

export default function main(hal: Hal, board: BoardSpec): void {
  if (board.console.uart !== 0) throw new InvalidArgument('board', board.name, 'the console example drives UART0 (the console of rpi-pico and esp32-devkitc)');
  const hw = board.chip === 'rp2040' ? rp2040Hardware(hal) : esp32Hardware(hal);

  // Answers and blink's text, in order: chunks, the offset into the first, and the bytes left.
  const out: Uint8Array[] = [];
  let outAt = 0;
  let queued = 0;
  const enqueue = (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    out.push(bytes);
    queued += bytes.length;
    wake();
  };

  const rx = new Uint8Array(RX_QUEUE);
  let rxHead = 0;
  let rxCount = 0;
  let rxMasked = false;
  let armed = false;
  const wake = () => {
    if (armed) return;
    armed = true;
    hw.taskAfter(TASK_US);
  };

  blink(hal, board, { write: (text) => (queued < TEXT_CAP ? enqueue(asciiEncode(text)) : undefined) });
  // The console reads and writes through src/mmio.ts's path: this HAL, behind the permission gate.
  bindHal(hal);
  const room = () => queued < ANSWER_LOW;
  const service = new ConsoleService({
    map: board.chip === 'rp2040' ? map : unpackMap(esp32Map),
    board: board.name,
    runtime: 'vllsi example console',
    uptimeMs: () => hal.nowNs() / 1e6,
    // The board's token (vllsi sim --console generates one per run and prints it); none: writes stay disabled.
    unlockToken: board.console.token,
    send: enqueue,
    onSessionEnd() {
      out.length = 0;
      outAt = 0;
      queued = 0;
    },
  });

  const received = (b: number) => {
    if (b === END_OF_SESSION) rxHead = rxCount = 0; // the session is over: its unread input goes
    rx[(rxHead + rxCount++) % RX_QUEUE] = b;
  };
  hal.irqSetHandler(hw.uartIrq, () => {
    hw.drain(received, RX_QUEUE - rxCount);
    if (rxCount === RX_QUEUE) {
      rxMasked = true;
      hw.receiveInterrupt(false);
    }
    wake();
  });

  hal.irqSetHandler(hw.taskIrq, () => {
    hw.taskAck();
    armed = false;
    while (rxCount > 0 && room()) {
      const n = service.receive(rx.subarray(rxHead, Math.min(rxHead + rxCount, RX_QUEUE)), room);
      if (n === 0) break; // not a byte taken: never spin in a handler
      rxHead = (rxHead + n) % RX_QUEUE;
      rxCount -= n;
    }
    if (rxMasked && rxCount <= RX_QUEUE / 2) {
      rxMasked = false;
      hw.receiveInterrupt(true);
    }
    while (queued > 0 && hw.txReady()) {
      const head = out[0]!;
      hw.send(head[outAt++]!);
      queued--;
      if (outAt === head.length) {
        out.shift();
        outAt = 0;
      }
    }
    if (queued > 0 || rxCount > 0) wake();
  });
  hw.taskInit();
  hw.receiveInterrupt(true);
  hal.irqSetEnabled(hw.taskIrq, true);
  hal.irqSetEnabled(hw.uartIrq, true);
}
