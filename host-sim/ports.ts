// The outside of a simulated board: what a test (or the CLI, or a TCP bridge) sees
// of a UART and a GPIO pin. Peripheral models feed these; nothing here knows a chip.
import type { I2cBus } from './parts/i2c.js';
import type { SpiBus } from './parts/spi.js';

/** Line errors of a received byte (fault injection): a wrong stop bit, a wrong parity bit, a break (line held low). */
export const UART_RX_FRAMING = 1,
  UART_RX_PARITY = 2,
  UART_RX_BREAK = 4;

/** The host side of a UART: bytes the chip transmits, and a way to send it bytes. */
export class UartPort {
  private readonly listeners = new Set<(byte: number, tNs: number) => void>();
  private readonly decoder = new TextDecoder();
  private textOut = '';
  /** Set by the UART model: takes one received byte into the RX FIFO, with its line errors (UART_RX_* bits). */
  rxSink: (byte: number, errors: number) => void = () => {};
  /** Set by the UART model: true when the firmware has read every received byte. */
  rxEmpty: () => boolean = () => true;

  constructor(
    readonly index: number,
    private readonly now: () => number,
  ) {}

  /** Bits per frame and bit time (ns) of the last frame sent (0: the model does not time frames): for waveforms. */
  frameBits = 10;
  bitNs = 0;
  /**
   * Whether `output`/`lines` keep every transmitted byte (tests read them). A long-running
   * simulator (the CLI) turns this off and listens with onByte, so memory stays flat.
   */
  retainOutput = true;

  /** Called by the model when a byte leaves the TX shifter (the frame ends now). */
  transmit(byte: number, frameBits = 10, bitNs = 0): void {
    this.frameBits = frameBits;
    this.bitNs = bitNs;
    if (this.retainOutput) this.textOut += this.decoder.decode(Uint8Array.of(byte), { stream: true });
    const t = this.now();
    for (const l of this.listeners) l(byte, t);
  }

  /** Every transmitted byte, with its simulated time: attach an external byte stream here. */
  onByte(listener: (byte: number, tNs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feeds bytes (or UTF-8 text) to the chip's receiver, as if sent by the other end. */
  receive(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (const b of bytes) this.rxSink(b, 0);
  }

  /** One byte with line errors (UART_RX_FRAMING, UART_RX_PARITY, UART_RX_BREAK), as a faulty line delivers it. */
  receiveWithErrors(byte: number, errors: number): void {
    this.rxSink(byte & 0xff, errors & 7);
  }

  /** All text transmitted so far (UTF-8). */
  get output(): string {
    return this.textOut;
  }

  /** Complete lines transmitted so far (without their CR/LF). */
  get lines(): string[] {
    const parts = this.textOut.split(/\r?\n/);
    parts.pop();
    return parts;
  }
}

/** One GPIO pin as seen from outside the chip. */
export interface GpioPort {
  readonly pin: number;
  /** True while the chip drives the pin as an output. */
  readonly isOutput: boolean;
  /** The level on the pin: the chip's output when it drives it, else what the outside drives (false when floating). */
  readonly level: boolean;
  /** Drives the pin from outside (an input to the chip). */
  drive(level: boolean): void;
  /** Stops driving the pin from outside: it floats (the pad's pull-up or pull-down decides what the chip reads). */
  release(): void;
  /** Called at each change of `level`, with the simulated time. */
  onChange(listener: (level: boolean, tNs: number) => void): () => void;
  /** A short to a rail (fault injection): the pin reads `level` whatever drives it; undefined removes the short. Absent: the chip's wiring cannot model it. */
  stick?(level: boolean | undefined): void;
}

/** What a chip's wiring hands to the board API. */
export interface ChipPorts {
  uart(n: number): UartPort | undefined;
  gpio(n: number): GpioPort;
  /** I2C and SPI buses where the chip's controllers are modelled. */
  i2c?(n: number): I2cBus | undefined;
  spi?(n: number): SpiBus | undefined;
  /** Sets what an ADC channel converts (raw counts); absent when the chip's ADC is not modelled. */
  setAnalog?(channel: number, raw: number): void;
  readonly analogChannels?: number;
}

/** What outlives a chip reset (a brown-out): the UART byte streams, the buses with their parts, and the pins as the outside holds them. */
export type Outside = Pick<ChipPorts, 'uart' | 'gpio' | 'i2c' | 'spi'>;
