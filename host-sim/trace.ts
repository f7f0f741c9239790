// The access trace: the last N bus accesses and interrupt events, in a ring buffer
// (no allocation per access). Dumpable as JSON for tests and debugging; with the board's
// waveforms (waveform.ts) it writes a VCD.
import { hex } from '../src/errors.js';
import type { Waveform } from './waveform.js';

export type TraceOp = 'read' | 'write' | 'fault' | 'irq-enter' | 'irq-exit';
const OPS: readonly TraceOp[] = ['read', 'write', 'fault', 'irq-enter', 'irq-exit'];
const OP_CODE = { read: 0, write: 1, fault: 2, 'irq-enter': 3, 'irq-exit': 4 } as const;

export interface TraceEntry {
  /** Simulated time, whole ns. */
  readonly t: number;
  readonly core: number;
  readonly op: TraceOp;
  /** Bus address (the IRQ number for irq-enter/irq-exit). */
  readonly addr: number;
  /** Access size in bytes (0 for IRQ events). */
  readonly size: number;
  /** Value read or written (0 for faults and IRQ events). */
  readonly value: number;
}

// One record per STRIDE bytes of a DataView: t (whole ns as two uint32 words), addr, value
// (uint32), meta (uint8: op | size << 3 | core << 6). Only 32-bit and byte stores: in a process
// where SES's lockdown has frozen the intrinsics (every process that drives XS) typed-array
// element stores and float64 stores cost 8-50x what they cost elsewhere, these do not.
const STRIDE = 20;
const T_LO = 0;
const T_HI = 4;
const ADDR = 8;
const VALUE = 12;
const META = 16;
const TWO_32 = 2 ** 32;

export class AccessTrace {
  private readonly ring: DataView;
  private next = 0;
  private count = 0;
  /** Entries recorded since the start (or clear()), including those the ring has overwritten. */
  total = 0;
  /** Recording can be switched off for speed; the ring keeps what it has. */
  enabled = true;
  /** The board's signal changes (set by the machine). */
  waves: Waveform | undefined;
  now: () => number = () => 0;

  constructor(readonly capacity = 4096) {
    this.ring = new DataView(new ArrayBuffer(capacity * STRIDE));
  }

  record(t: number, core: number, op: TraceOp, addr: number, size: number, value: number): void {
    if (!this.enabled) return;
    const i = this.next;
    const at = i * STRIDE;
    const ring = this.ring;
    ring.setUint32(at + T_LO, t >>> 0, true); // ToUint32 keeps the low 32 bits of the whole part
    ring.setUint32(at + T_HI, (t / TWO_32) >>> 0, true);
    ring.setUint32(at + ADDR, addr, true);
    ring.setUint32(at + VALUE, value, true);
    ring.setUint8(at + META, OP_CODE[op] | (size << 3) | (core << 6));
    this.next = i + 1 === this.capacity ? 0 : i + 1;
    if (this.count < this.capacity) this.count++;
    this.total++;
  }

  /** Entries recorded (at most `capacity`; older ones are overwritten). */
  get length(): number {
    return this.count;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
    this.total = 0;
  }

  /** The retained entries, oldest first. */
  entries(): TraceEntry[] {
    const out: TraceEntry[] = [];
    let i = (this.next - this.count + this.capacity) % this.capacity;
    for (let k = 0; k < this.count; k++) {
      const at = i * STRIDE;
      const m = this.ring.getUint8(at + META);
      out.push({
        t: this.ring.getUint32(at + T_HI, true) * TWO_32 + this.ring.getUint32(at + T_LO, true),
        core: m >> 6,
        op: OPS[m & 7]!,
        addr: this.ring.getUint32(at + ADDR, true),
        size: (m >> 3) & 7,
        value: this.ring.getUint32(at + VALUE, true),
      });
      i = i + 1 === this.capacity ? 0 : i + 1;
    }
    return out;
  }

  /** Accesses to one address (or address range [from, to)), oldest first. */
  at(from: number, to = from + 1): TraceEntry[] {
    return this.entries().filter((e) => (e.op === 'read' || e.op === 'write' || e.op === 'fault') && e.addr >= from && e.addr < to);
  }

  toJSON(): TraceEntry[] {
    return this.entries();
  }

  /**
   * The board's waveforms as a Value Change Dump (GTKWave, PulseView): GPIO levels (`pins`, else
   * every pin that moved or idles high), UART TX lines, IRQ lines, from `from` to `to` ns (default: reset to now).
   */
  toVCD(o: { pins?: readonly number[]; from?: number; to?: number } = {}): string {
    if (this.waves === undefined) return '';
    return this.waves.toVCD({ ...o, end: this.now() });
  }

  /** JSON text with hex addresses and values, one entry per line. */
  dump(): string {
    const lines = this.entries().map(
      (e) =>
        `{"t":${e.t},"core":${e.core},"op":"${e.op}","addr":${e.op.startsWith('irq') ? e.addr : `"${hex(e.addr)}"`},"size":${e.size},"value":"${hex(e.value)}"}`,
    );
    return `[\n${lines.join(',\n')}\n]\n`;
  }
}
