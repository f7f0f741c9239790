// A small device for console tests: a register map and a bus that behaves like the hardware
// it describes (a FIFO whose read pops, write-1-to-clear flags, a write-only register).
// It stands in for absent hardware only; the console under test is the real one.
import { FrameReader, REGMAP_FORMAT, type ConsoleBus, type DeviceMap, type Frame } from '../../src/console/index.js';

export const BASE = 0x40000000;

export const testMap: DeviceMap = {
  format: REGMAP_FORMAT,
  device: 'TESTCHIP',
  peripherals: [
    {
      name: 'DEV',
      baseAddress: BASE,
      registers: [
        {
          name: 'CTRL',
          addressOffset: 0,
          size: 32,
          access: 'read-write',
          resetValue: 0x21,
          resetMask: 0xffffffff,
          fields: [
            { name: 'EN', bitOffset: 0, bitWidth: 1, access: 'read-write' },
            {
              name: 'MODE',
              bitOffset: 4,
              bitWidth: 3,
              access: 'read-write',
              enums: [
                {
                  usage: 'read-write',
                  values: [
                    { name: 'IDLE', value: 0 },
                    { name: 'RUN', value: 2 },
                  ],
                },
              ],
            },
            { name: 'VER', bitOffset: 24, bitWidth: 8, access: 'read-only' },
          ],
        },
        {
          name: 'INTR',
          addressOffset: 4,
          size: 32,
          access: 'read-write',
          resetValue: 0,
          resetMask: 0xffffffff,
          modifiedWriteValues: 'oneToClear',
          fields: [
            { name: 'RX', bitOffset: 0, bitWidth: 1, access: 'read-write', modifiedWriteValues: 'oneToClear' },
            { name: 'TX', bitOffset: 1, bitWidth: 1, access: 'read-write', modifiedWriteValues: 'oneToClear' },
            { name: 'MASK', bitOffset: 8, bitWidth: 4, access: 'read-write' },
          ],
        },
        {
          name: 'FIFO',
          addressOffset: 8,
          size: 32,
          access: 'read-only',
          resetValue: 0,
          resetMask: 0xffffffff,
          readAction: 'modify',
          fields: [{ name: 'DATA', bitOffset: 0, bitWidth: 8, access: 'read-only', readAction: 'modify' }],
        },
        {
          name: 'KEY',
          addressOffset: 0xc,
          size: 32,
          access: 'write-only',
          resetValue: 0,
          resetMask: 0xffffffff,
          fields: [{ name: 'LO', bitOffset: 0, bitWidth: 16, access: 'write-only' }],
        },
        { name: 'HALF', addressOffset: 0x10, size: 16, access: 'read-write', resetValue: 0, resetMask: 0xffff, fields: [] },
      ],
    },
  ],
};

/** Memory-backed bus with the side effects the map declares. */
export class TestBus implements ConsoleBus {
  readonly mem = new Map<number, number>();
  fifo: number[] = [];
  reads = 0;
  writes = 0;

  constructor() {
    this.mem.set(BASE, 0x21);
  }

  private check(a: number, size: number): void {
    if (a % size !== 0) throw new Error(`misaligned ${a}`);
  }
  load32(a: number): number {
    this.check(a, 4);
    this.reads++;
    if (a === BASE + 8) return this.fifo.shift() ?? 0;
    return this.mem.get(a) ?? 0;
  }
  load16(a: number): number {
    this.check(a, 2);
    this.reads++;
    return (this.mem.get(a) ?? 0) & 0xffff;
  }
  load8(a: number): number {
    this.reads++;
    return (this.mem.get(a) ?? 0) & 0xff;
  }
  store32(a: number, v: number): void {
    this.check(a, 4);
    this.writes++;
    if (a === BASE + 4) {
      // RX/TX are write-1-to-clear; MASK is plain.
      const old = this.mem.get(a) ?? 0;
      this.mem.set(a, ((old & 0x3 & ~v) | (v & 0xf00)) >>> 0);
      return;
    }
    this.mem.set(a, v >>> 0);
  }
  store16(a: number, v: number): void {
    this.check(a, 2);
    this.writes++;
    this.mem.set(a, v);
  }
  store8(a: number, v: number): void {
    this.writes++;
    this.mem.set(a, v);
  }
}

/** Collects what the console sends: text lines and frames. */
export class Host {
  readonly lines: string[] = [];
  readonly frames: Frame[] = [];
  readonly reader = new FrameReader(
    (f) => this.frames.push(f),
    (l) => this.lines.push(l),
  );
  readonly send = (bytes: Uint8Array) => this.reader.push(bytes);

  /** Terminal answers so far: OK/ERR lines plus frames. */
  answers(): number {
    return this.lines.filter((l) => l === 'OK' || l.startsWith('ERR ')).length + this.frames.length;
  }
  take(): string[] {
    return this.lines.splice(0);
  }
}

export const bytes = (text: string) => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
};
