// The outside of a board as a test sees it, shared by the simulated (SimBoard) and the emulated
// (EmulatedBoard) board: its UARTs as SimUarts, its pins, its LED.
import type { BoardSpec } from '../boards/index.js';
import { InvalidArgument } from '../src/errors.js';
import type { ChipPorts, GpioPort } from './ports.js';
import { SimUart, type SimRunner } from './sim-uart.js';

export abstract class BoardView implements SimRunner {
  private readonly uarts = new Map<number, SimUart>();

  constructor(
    readonly spec: BoardSpec,
    protected readonly ports: ChipPorts,
  ) {}

  /** Simulated time since reset, ns. */
  abstract get now(): number;
  abstract runUntil(deadline: number, until: () => boolean): boolean;

  uart(n: number): SimUart {
    let u = this.uarts.get(n);
    if (u === undefined) {
      const port = Number.isInteger(n) ? this.ports.uart(n) : undefined;
      if (port === undefined) throw new InvalidArgument('UART number', n, `${this.spec.name} has no such UART model`);
      this.uarts.set(n, (u = new SimUart(port, this)));
    }
    return u;
  }
  /** The board's console UART (boards/NAME/board.json "console"). */
  get console(): SimUart {
    return this.uart(this.spec.console.uart);
  }

  gpio(n: number): GpioPort {
    if (!Number.isInteger(n) || n < 0 || n >= this.spec.gpioCount)
      throw new InvalidArgument('GPIO number', n, `must be an integer in 0..${this.spec.gpioCount - 1} on ${this.spec.name}`);
    return this.ports.gpio(n);
  }
  /** The board's LED pin. */
  get led(): GpioPort {
    return this.gpio(this.spec.led.pin);
  }
}
