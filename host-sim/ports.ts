// The outside of a simulated board: what a test (or the CLI, or a TCP bridge) sees
// of a UART and a GPIO pin. Peripheral models feed these; nothing here knows a chip.

/** The host side of a UART: bytes the chip transmits, and a way to send it bytes. */
export class UartPort {
  private readonly listeners = new Set<(byte: number, tNs: number) => void>();
  private readonly decoder = new TextDecoder();
  private textOut = '';
  /** Set by the UART model: takes one received byte into the RX FIFO. */
  rxSink: (byte: number) => void = () => {};
  /** Set by the UART model: true when the firmware has read every received byte. */
  rxEmpty: () => boolean = () => true;

  constructor(
    readonly index: number,
    private readonly now: () => number,
  ) {}

  /**
   * Whether `output`/`lines` keep every transmitted byte (tests read them). A long-running
   * simulator (the CLI) turns this off and listens with onByte, so memory stays flat.
   */
  retainOutput = true;

  /** Called by the model when a byte leaves the TX shifter. */
  transmit(byte: number): void {
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
    for (const b of bytes) this.rxSink(b);
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
  /** Called at each change of `level`, with the simulated time. */
  onChange(listener: (level: boolean, tNs: number) => void): () => void;
}

/** What a chip's wiring hands to the board API. */
export interface ChipPorts {
  uart(n: number): UartPort | undefined;
  gpio(n: number): GpioPort;
  /** Sets what an ADC channel converts (raw counts); absent when the chip's ADC is not modelled. */
  setAnalog?(channel: number, raw: number): void;
  readonly analogChannels?: number;
}
