// A board's description as the core sees it: what an app's main(hal, board) receives. The
// data and its validation live in boards/ (boards/index.ts parses boards/NAME/board.json).
export type Chip = 'rp2040' | 'esp32';
export type MemoryKind = 'ram' | 'rom' | 'flash';

export interface MemorySpec {
  readonly name: string;
  readonly kind: MemoryKind;
  readonly base: number;
  readonly size: number;
  /** Allowed access widths in bytes; all of 1, 2, 4 when absent. */
  readonly widths: readonly (1 | 2 | 4)[];
}

export interface PeripheralSpec {
  readonly name: string;
  /** Which simulator model backs it: 'rp2040js', 'rp2040-sio', 'rp2040-timer', 'rp2040-resets', 'rp2040-uart', 'rp2040-pwm', 'rp2040-ppb', 'rp2040-vreg', 'esp32-gpio', 'esp32-uart', 'esp32-timg', 'esp32-adc', 'esp32-ledc', 'esp32-i2c', 'esp32-spi', 'esp32-rtc-cntl'. */
  readonly model: string;
  readonly base: number;
  readonly size: number;
  /** Peripheral registers take 32-bit accesses only unless listed here. */
  readonly widths: readonly (1 | 2 | 4)[];
  /** Interrupt lines of this peripheral by name. */
  readonly irqs: Readonly<Record<string, number>>;
  /** Its bit in the chip's reset controller (RP2040 RESETS), when it has one: held in reset, it does nothing. */
  readonly reset?: number;
}

export interface BoardSpec {
  readonly name: string;
  readonly description: string;
  readonly chip: Chip;
  readonly cpu: string;
  readonly cores: number;
  readonly wordSize: 32 | 64;
  readonly endian: 'little' | 'big';
  readonly pageSize: number;
  readonly clockHz: number;
  /** Simulated cost of one HAL call (bus access, barrier...), ns. */
  readonly accessNs: number;
  /** Simulated interrupt entry latency, ns. */
  readonly irqEntryNs: number;
  readonly irqCount: number;
  readonly memory: readonly MemorySpec[];
  readonly peripherals: readonly PeripheralSpec[];
  /** Every peripheral IRQ by name (collected from `peripherals[].irqs`). */
  readonly irqs: Readonly<Record<string, number>>;
  /**
   * The console UART and pins; `token` unlocks console writes (src/console). A board
   * description configures none: `vllsi sim --console` generates one per run (withConsoleToken).
   */
  readonly console: { readonly uart: number; readonly tx: number; readonly rx: number; readonly token?: string };
  readonly led: { readonly pin: number; readonly activeHigh: boolean };
  readonly gpioCount: number;
  /** 'sio': RP2040 SIO hardware spinlocks; 'atomic': compare-and-set lock words (ESP32's S32C1I). */
  readonly spinlocks: { readonly count: number; readonly kind: 'sio' | 'atomic' };
  /** GPIOs with an ADC input, by channel: adcPins[c] is channel c's pin. */
  readonly adcPins: readonly number[];
  /** Parts on the board's pins and buses, as data (host-sim/parts: { kind, ...options }). */
  readonly parts: readonly Readonly<Record<string, unknown>>[];
  /** The ECMA-419 host provider's data (`device.pin`, `device.I2C.default`...): see src/io/provider.ts. */
  readonly io: BoardIo;
}

/** A board's provider data (boards/NAME/board.json "io"). */
export interface BoardIo {
  /** Named pins: led, button... */
  readonly pin: Readonly<Record<string, number>>;
  readonly I2C?: { readonly default: Readonly<Record<string, number>> };
  readonly SPI?: { readonly default: Readonly<Record<string, number>> };
  readonly Serial?: { readonly default: Readonly<Record<string, number>> };
}
