// ESP32 register definitions for the registers the examples and the simulator use,
// hand-written in the format of docs/mmio.md. Addresses and fields from esp32.svd;
// where the SVD is silent or loose, the ESP32 Technical Reference Manual decides
// (marked "TRM"): the W1TS/W1TC registers are write-only, reading FIFO pops a byte.
import type { PeripheralDef } from '../register_def.js';

const bit = (bitOffset: number) => ({ bitOffset, bitWidth: 1 }) as const;
const ro = (bitOffset: number, bitWidth = 1) => ({ bitOffset, bitWidth, access: 'read-only' }) as const;
const wo = (bitOffset: number, bitWidth = 1) => ({ bitOffset, bitWidth, access: 'write-only' }) as const;

/** GPIO matrix, pins 0..31 (OUT1/ENABLE1 for 32..39 are not defined here). */
export const GPIO = {
  name: 'GPIO',
  baseAddress: 0x3ff44000,
  interrupts: { GPIO: 22, GPIO_NMI: 23 },
  registers: {
    OUT: { addressOffset: 0x04, fields: { DATA: { bitOffset: 0, bitWidth: 32 } } },
    OUT_W1TS: { addressOffset: 0x08, fields: { OUT_DATA_W1TS: wo(0, 32) } }, // TRM: WO
    OUT_W1TC: { addressOffset: 0x0c, fields: { OUT_DATA_W1TC: wo(0, 32) } }, // TRM: WO
    ENABLE: { addressOffset: 0x20, fields: { DATA: { bitOffset: 0, bitWidth: 32 } } },
    ENABLE_W1TS: { addressOffset: 0x24, fields: { ENABLE_DATA_W1TS: wo(0, 32) } }, // TRM: WO
    ENABLE_W1TC: { addressOffset: 0x28, fields: { ENABLE_DATA_W1TC: wo(0, 32) } }, // TRM: WO
    IN: { addressOffset: 0x3c, fields: { DATA_NEXT: ro(0, 32) } }, // TRM: RO
    // Interrupt status (pins 0..31) and its clear alias, the PRO CPU's masked status, and PINn
    // (SVD: PIN%s at 0x88, dim 40; INT_TYPE 1 rising, 2 falling, 3 any edge; INT_ENA bit 2 = PRO CPU).
    STATUS: { addressOffset: 0x44, fields: { INT: { bitOffset: 0, bitWidth: 32 } } },
    STATUS_W1TC: { addressOffset: 0x4c, fields: { STATUS_INT_W1TC: wo(0, 32) } }, // TRM: WO
    PCPU_INT: { addressOffset: 0x68, fields: { PROCPU_INT: ro(0, 32) } }, // TRM: RO
    PIN0: {
      addressOffset: 0x88,
      fields: {
        PAD_DRIVER: bit(2),
        INT_TYPE: { bitOffset: 7, bitWidth: 3 },
        WAKEUP_ENABLE: bit(10),
        CONFIG: { bitOffset: 11, bitWidth: 2 },
        INT_ENA: { bitOffset: 13, bitWidth: 5 },
      },
    },
    /** FUNCn_OUT_SEL_CFG (SVD: FUNC%s_OUT_SEL_CFG, dim 40): the signal routed to pad n; 0x100 = GPIO_OUT bit n. */
    FUNC_OUT_SEL_CFG: {
      addressOffset: 0x530,
      dim: 40,
      dimIncrement: 4,
      fields: { OUT_SEL: { bitOffset: 0, bitWidth: 9 }, INV_SEL: bit(9), OEN_SEL: bit(10), OEN_INV_SEL: bit(11) },
    },
  },
} as const satisfies PeripheralDef;

// Field names as in the SVD: RXFIFO_FULL_INT_RAW, ..._INT_ST, ..._INT_ENA, ..._INT_CLR.
const uartInts = <S extends 'RAW' | 'ST' | 'ENA' | 'CLR'>(s: S) => {
  const f = (o: number) => (s === 'CLR' ? wo(o) : s === 'ENA' ? bit(o) : ro(o));
  return {
    [`RXFIFO_FULL_INT_${s}`]: f(0),
    [`TXFIFO_EMPTY_INT_${s}`]: f(1),
    [`PARITY_ERR_INT_${s}`]: f(2),
    [`FRM_ERR_INT_${s}`]: f(3),
    [`RXFIFO_OVF_INT_${s}`]: f(4),
    [`RXFIFO_TOUT_INT_${s}`]: f(8),
    [`TX_DONE_INT_${s}`]: f(14),
  } as {
    readonly [K in `${'RXFIFO_FULL' | 'TXFIFO_EMPTY' | 'PARITY_ERR' | 'FRM_ERR' | 'RXFIFO_OVF' | 'RXFIFO_TOUT' | 'TX_DONE'}_INT_${S}`]: ReturnType<typeof f>;
  };
};

/** UART0 (UART1 at 0x3ff50000, UART2 at 0x3ff6e000). Interrupt fields: the common subset. */
export const UART0 = {
  name: 'UART0',
  baseAddress: 0x3ff40000,
  interrupts: { UART0: 34 },
  registers: {
    // TRM: reading pops the receive FIFO, writing pushes to the transmit FIFO.
    FIFO: { addressOffset: 0x00, fields: { RXFIFO_RD_BYTE: { bitOffset: 0, bitWidth: 8, readAction: 'modify' } } },
    INT_RAW: { addressOffset: 0x04, fields: uartInts('RAW') },
    INT_ST: { addressOffset: 0x08, fields: uartInts('ST') },
    INT_ENA: { addressOffset: 0x0c, fields: uartInts('ENA') },
    INT_CLR: { addressOffset: 0x10, fields: uartInts('CLR') },
    // Baud rate: APB clock / (CLKDIV + FRAG / 16).
    CLKDIV: { addressOffset: 0x14, resetValue: 694, fields: { CLKDIV: { bitOffset: 0, bitWidth: 20 }, FRAG: { bitOffset: 20, bitWidth: 4 } } },
    STATUS: {
      addressOffset: 0x1c,
      fields: { RXFIFO_CNT: ro(0, 8), TXFIFO_CNT: ro(16, 8), RXD: ro(15), TXD: ro(31) },
    },
    CONF0: {
      addressOffset: 0x20,
      resetValue: 0x0800001c,
      fields: {
        PARITY: bit(0),
        PARITY_EN: bit(1),
        BIT_NUM: { bitOffset: 2, bitWidth: 2 },
        STOP_BIT_NUM: { bitOffset: 4, bitWidth: 2 },
        LOOPBACK: bit(14),
        RXFIFO_RST: bit(17),
        TXFIFO_RST: bit(18),
        TICK_REF_ALWAYS_ON: bit(27),
      },
    },
    CONF1: {
      addressOffset: 0x24,
      resetValue: 0x6060,
      fields: { RXFIFO_FULL_THRHD: { bitOffset: 0, bitWidth: 7 }, TXFIFO_EMPTY_THRHD: { bitOffset: 8, bitWidth: 7 } },
    },
  },
} as const satisfies PeripheralDef;

// Field names as in the SVD: T0_INT_ENA, T1_INT_ENA, WDT_INT_ENA, LACT_INT_ENA (and _RAW, _ST, _CLR).
const timers = <S extends 'RAW' | 'ST' | 'ENA' | 'CLR'>(s: S) => {
  const f = (o: number) => (s === 'CLR' ? wo(o) : s === 'ENA' ? bit(o) : ro(o));
  return { [`T0_INT_${s}`]: f(0), [`T1_INT_${s}`]: f(1), [`WDT_INT_${s}`]: f(2), [`LACT_INT_${s}`]: f(3) } as {
    readonly [K in `${'T0' | 'T1' | 'WDT' | 'LACT'}_INT_${S}`]: ReturnType<typeof f>;
  };
};

/** Timer group 0, timer 0 (64-bit, alarm -> TG0_T0_LEVEL interrupt) and the group's interrupt registers. */
export const TIMG0 = {
  name: 'TIMG0',
  baseAddress: 0x3ff5f000,
  interrupts: { TG0_T0_LEVEL: 14, TG0_T1_LEVEL: 15, TG0_WDT_LEVEL: 16, TG0_LACT_LEVEL: 17 },
  registers: {
    T0CONFIG: {
      addressOffset: 0x00,
      resetValue: 0x60002000,
      fields: {
        EN: bit(31),
        INCREASE: bit(30),
        AUTORELOAD: bit(29),
        DIVIDER: { bitOffset: 13, bitWidth: 16 },
        EDGE_INT_EN: bit(12),
        LEVEL_INT_EN: bit(11),
        ALARM_EN: bit(10),
      },
    },
    T0LO: { addressOffset: 0x04, access: 'read-only' },
    T0HI: { addressOffset: 0x08, access: 'read-only' },
    // Any write latches the counter into T0LO/T0HI.
    T0UPDATE: { addressOffset: 0x0c, access: 'write-only' },
    T0ALARMLO: { addressOffset: 0x10 },
    T0ALARMHI: { addressOffset: 0x14 },
    T0LOADLO: { addressOffset: 0x18 },
    T0LOADHI: { addressOffset: 0x1c },
    // Any write loads T0LOADHI:T0LOADLO into the counter.
    T0LOAD: { addressOffset: 0x20, access: 'write-only' },
    INT_ENA_TIMERS: { addressOffset: 0x98, fields: timers('ENA') },
    INT_RAW_TIMERS: { addressOffset: 0x9c, fields: timers('RAW') },
    INT_ST_TIMERS: { addressOffset: 0xa0, fields: timers('ST') },
    INT_CLR_TIMERS: { addressOffset: 0xa4, fields: timers('CLR') },
  },
} as const satisfies PeripheralDef;
