// RP2040 register definitions for the registers the examples and the simulator use,
// hand-written in the format of docs/mmio.md and checked against RP2040.svd
// (pico-sdk 2.2.0). To be replaced by definitions generated from the SVD.
import type { PeripheralDef, RegisterDef } from '../mmio.js';

const bit = (bitOffset: number) => ({ bitOffset, bitWidth: 1 }) as const;
const ro = (bitOffset: number, bitWidth = 1) => ({ bitOffset, bitWidth, access: 'read-only' }) as const;
const w1c = (bitOffset: number, bitWidth = 1) => ({ bitOffset, bitWidth, modifiedWriteValues: 'oneToClear' }) as const;
const word = (addressOffset: number, access?: 'read-only' | 'write-only') => ({ addressOffset, ...(access ? { access } : {}) }) as const;

const BLOCKS = [
  'ADC', 'BUSCTRL', 'DMA', 'I2C0', 'I2C1', 'IO_BANK0', 'IO_QSPI', 'JTAG', 'PADS_BANK0', 'PADS_QSPI', 'PIO0', 'PIO1', 'PLL_SYS',
  'PLL_USB', 'PWM', 'RTC', 'SPI0', 'SPI1', 'SYSCFG', 'SYSINFO', 'TBMAN', 'TIMER', 'UART0', 'UART1', 'USBCTRL',
] as const;
type Block = (typeof BLOCKS)[number];
/** One bit per block, in RESETS order. */
const blockBits = <A extends 'read-only' | undefined>(access: A) =>
  Object.fromEntries(BLOCKS.map((b, i) => [b, access ? { bitOffset: i, bitWidth: 1, access } : { bitOffset: i, bitWidth: 1 }])) as {
    readonly [K in Block]: { readonly bitOffset: number; readonly bitWidth: 1; readonly access: A };
  };

/** Subsystem resets: a block stays in reset (registers inaccessible) until its RESET bit is cleared. */
export const RESETS = {
  name: 'RESETS',
  baseAddress: 0x4000c000,
  atomicAliases: true,
  registers: {
    RESET: { addressOffset: 0x0, resetValue: 0x1ffffff, fields: blockBits(undefined) },
    WDSEL: { addressOffset: 0x4, fields: blockBits(undefined) },
    RESET_DONE: { addressOffset: 0x8, fields: blockBits('read-only') },
  },
} as const satisfies PeripheralDef;

/** Single-cycle IO. No atomic aliases: SIO has its own SET/CLR/XOR registers. */
export const SIO = {
  name: 'SIO',
  baseAddress: 0xd0000000,
  interrupts: { SIO_IRQ_PROC0: 15, SIO_IRQ_PROC1: 16 },
  registers: {
    CPUID: word(0x000, 'read-only'),
    GPIO_IN: { addressOffset: 0x004, fields: { GPIO_IN: ro(0, 30) } },
    GPIO_OUT: { addressOffset: 0x010, fields: { GPIO_OUT: { bitOffset: 0, bitWidth: 30 } } },
    GPIO_OUT_SET: { addressOffset: 0x014, access: 'write-only' },
    GPIO_OUT_CLR: { addressOffset: 0x018, access: 'write-only' },
    GPIO_OUT_XOR: { addressOffset: 0x01c, access: 'write-only' },
    GPIO_OE: { addressOffset: 0x020, fields: { GPIO_OE: { bitOffset: 0, bitWidth: 30 } } },
    GPIO_OE_SET: { addressOffset: 0x024, access: 'write-only' },
    GPIO_OE_CLR: { addressOffset: 0x028, access: 'write-only' },
    GPIO_OE_XOR: { addressOffset: 0x02c, access: 'write-only' },
    SPINLOCK_ST: word(0x05c, 'read-only'),
    // Reading claims the lock (non-zero) or fails (0): a read with a side effect.
    SPINLOCK31: { addressOffset: 0x17c, readAction: 'modify' },
  },
} as const satisfies PeripheralDef;

/** FUNCSEL values (pico-sdk gpio_function); the SVD names them per pin (sio_25...). */
const FUNCSEL = { xip: 0, spi: 1, uart: 2, i2c: 3, pwm: 4, sio: 5, pio0: 6, pio1: 7, gpck: 8, usb: 9, null: 31 } as const;
const OVER = { NORMAL: 0, INVERT: 1, LOW: 2, HIGH: 3 } as const;

/** GPIOn_CTRL of IO_BANK0: function select and overrides (reset 0x1f: FUNCSEL null). */
const gpioCtrl = (n: number) =>
  ({
    addressOffset: 0x004 + 8 * n,
    resetValue: 0x1f,
    fields: {
      IRQOVER: { bitOffset: 28, bitWidth: 2, enumeratedValues: OVER },
      INOVER: { bitOffset: 16, bitWidth: 2, enumeratedValues: OVER },
      OEOVER: { bitOffset: 12, bitWidth: 2, enumeratedValues: { NORMAL: 0, INVERT: 1, DISABLE: 2, ENABLE: 3 } },
      OUTOVER: { bitOffset: 8, bitWidth: 2, enumeratedValues: OVER },
      FUNCSEL: { bitOffset: 0, bitWidth: 5, enumeratedValues: FUNCSEL },
    },
  }) as const satisfies RegisterDef;

export const IO_BANK0 = {
  name: 'IO_BANK0',
  baseAddress: 0x40014000,
  atomicAliases: true,
  interrupts: { IO_IRQ_BANK0: 13 },
  registers: {
    GPIO0_CTRL: gpioCtrl(0), GPIO1_CTRL: gpioCtrl(1), GPIO2_CTRL: gpioCtrl(2), GPIO3_CTRL: gpioCtrl(3),
    GPIO4_CTRL: gpioCtrl(4), GPIO5_CTRL: gpioCtrl(5), GPIO6_CTRL: gpioCtrl(6), GPIO7_CTRL: gpioCtrl(7),
    GPIO8_CTRL: gpioCtrl(8), GPIO9_CTRL: gpioCtrl(9), GPIO10_CTRL: gpioCtrl(10), GPIO11_CTRL: gpioCtrl(11),
    GPIO12_CTRL: gpioCtrl(12), GPIO13_CTRL: gpioCtrl(13), GPIO14_CTRL: gpioCtrl(14), GPIO15_CTRL: gpioCtrl(15),
    GPIO16_CTRL: gpioCtrl(16), GPIO17_CTRL: gpioCtrl(17), GPIO18_CTRL: gpioCtrl(18), GPIO19_CTRL: gpioCtrl(19),
    GPIO20_CTRL: gpioCtrl(20), GPIO21_CTRL: gpioCtrl(21), GPIO22_CTRL: gpioCtrl(22), GPIO23_CTRL: gpioCtrl(23),
    GPIO24_CTRL: gpioCtrl(24), GPIO25_CTRL: gpioCtrl(25), GPIO26_CTRL: gpioCtrl(26), GPIO27_CTRL: gpioCtrl(27),
    GPIO28_CTRL: gpioCtrl(28), GPIO29_CTRL: gpioCtrl(29),
  },
} as const satisfies PeripheralDef;

const alarms = { ALARM_0: bit(0), ALARM_1: bit(1), ALARM_2: bit(2), ALARM_3: bit(3) } as const;

/** 64-bit microsecond timer with four alarms (TIMER_IRQ_n fires when ALARMn matches TIMELR). */
export const TIMER = {
  name: 'TIMER',
  baseAddress: 0x40054000,
  atomicAliases: true,
  interrupts: { TIMER_IRQ_0: 0, TIMER_IRQ_1: 1, TIMER_IRQ_2: 2, TIMER_IRQ_3: 3 },
  registers: {
    TIMEHW: word(0x00, 'write-only'),
    TIMELW: word(0x04, 'write-only'),
    TIMEHR: word(0x08, 'read-only'),
    // Reading TIMELR latches TIMEHR until it is read.
    TIMELR: { addressOffset: 0x0c, access: 'read-only', readAction: 'modify' },
    ALARM0: word(0x10),
    ALARM1: word(0x14),
    ALARM2: word(0x18),
    ALARM3: word(0x1c),
    ARMED: { addressOffset: 0x20, fields: { ARMED: w1c(0, 4) } },
    TIMERAWH: word(0x24, 'read-only'),
    TIMERAWL: word(0x28, 'read-only'),
    PAUSE: { addressOffset: 0x30, fields: { PAUSE: bit(0) } },
    INTR: { addressOffset: 0x34, fields: { ALARM_0: w1c(0), ALARM_1: w1c(1), ALARM_2: w1c(2), ALARM_3: w1c(3) } },
    INTE: { addressOffset: 0x38, fields: alarms },
    INTF: { addressOffset: 0x3c, fields: alarms },
    INTS: { addressOffset: 0x40, fields: { ALARM_0: ro(0), ALARM_1: ro(1), ALARM_2: ro(2), ALARM_3: ro(3) } },
  },
} as const satisfies PeripheralDef;

/** PL011 UART (UART1 is the same block at 0x40038000, IRQ 21). */
export const UART0 = {
  name: 'UART0',
  baseAddress: 0x40034000,
  atomicAliases: true,
  interrupts: { UART0_IRQ: 20 },
  registers: {
    // Reading DR pops the receive FIFO; writing pushes to the transmit FIFO.
    UARTDR: {
      addressOffset: 0x000,
      fields: { OE: ro(11), BE: ro(10), PE: ro(9), FE: ro(8), DATA: { bitOffset: 0, bitWidth: 8, readAction: 'modify' } },
    },
    UARTFR: {
      addressOffset: 0x018,
      resetValue: 0x90,
      fields: { RI: ro(8), TXFE: ro(7), RXFF: ro(6), TXFF: ro(5), RXFE: ro(4), BUSY: ro(3), DCD: ro(2), DSR: ro(1), CTS: ro(0) },
    },
    UARTIBRD: { addressOffset: 0x024, fields: { BAUD_DIVINT: { bitOffset: 0, bitWidth: 16 } } },
    UARTFBRD: { addressOffset: 0x028, fields: { BAUD_DIVFRAC: { bitOffset: 0, bitWidth: 6 } } },
    UARTLCR_H: {
      addressOffset: 0x02c,
      fields: { SPS: bit(7), WLEN: { bitOffset: 5, bitWidth: 2 }, FEN: bit(4), STP2: bit(3), EPS: bit(2), PEN: bit(1), BRK: bit(0) },
    },
    UARTCR: {
      addressOffset: 0x030,
      resetValue: 0x300,
      fields: { CTSEN: bit(15), RTSEN: bit(14), RTS: bit(11), DTR: bit(10), RXE: bit(9), TXE: bit(8), LBE: bit(7), UARTEN: bit(0) },
    },
    UARTIMSC: { addressOffset: 0x038, fields: { OEIM: bit(10), BEIM: bit(9), PEIM: bit(8), FEIM: bit(7), RTIM: bit(6), TXIM: bit(5), RXIM: bit(4) } },
    UARTMIS: { addressOffset: 0x040, fields: { OEMIS: ro(10), BEMIS: ro(9), PEMIS: ro(8), FEMIS: ro(7), RTMIS: ro(6), TXMIS: ro(5), RXMIS: ro(4) } },
    UARTICR: { addressOffset: 0x044, fields: { OEIC: w1c(10), BEIC: w1c(9), PEIC: w1c(8), FEIC: w1c(7), RTIC: w1c(6), TXIC: w1c(5), RXIC: w1c(4) } },
  },
} as const satisfies PeripheralDef;
