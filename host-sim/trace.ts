// The access trace: the last N bus accesses and interrupt events, in a ring buffer
// of typed arrays (no allocation per access). Dumpable as JSON for tests and debugging.

export type TraceOp = 'read' | 'write' | 'fault' | 'irq-enter' | 'irq-exit';
const OPS: readonly TraceOp[] = ['read', 'write', 'fault', 'irq-enter', 'irq-exit'];
const OP_CODE = { read: 0, write: 1, fault: 2, 'irq-enter': 3, 'irq-exit': 4 } as const;

export interface TraceEntry {
  /** Simulated time, ns. */
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

export class AccessTrace {
  private readonly t: Float64Array;
  private readonly addr: Uint32Array;
  private readonly value: Uint32Array;
  private readonly meta: Uint8Array; // op | size << 3 | core << 6
  private next = 0;
  private count = 0;
  /** Recording can be switched off for speed; the ring keeps what it has. */
  enabled = true;

  constructor(readonly capacity = 4096) {
    this.t = new Float64Array(capacity);
    this.addr = new Uint32Array(capacity);
    this.value = new Uint32Array(capacity);
    this.meta = new Uint8Array(capacity);
  }

  record(t: number, core: number, op: TraceOp, addr: number, size: number, value: number): void {
    if (!this.enabled) return;
    const i = this.next;
    this.t[i] = t;
    this.addr[i] = addr;
    this.value[i] = value;
    this.meta[i] = OP_CODE[op] | (size << 3) | (core << 6);
    this.next = i + 1 === this.capacity ? 0 : i + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** Entries recorded (at most `capacity`; older ones are overwritten). */
  get length(): number {
    return this.count;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }

  /** The retained entries, oldest first. */
  entries(): TraceEntry[] {
    const out: TraceEntry[] = [];
    let i = (this.next - this.count + this.capacity) % this.capacity;
    for (let k = 0; k < this.count; k++) {
      const m = this.meta[i]!;
      out.push({ t: this.t[i]!, core: m >> 6, op: OPS[m & 7]!, addr: this.addr[i]!, size: (m >> 3) & 7, value: this.value[i]! });
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

  /** JSON text with hex addresses and values, one entry per line. */
  dump(): string {
    const hex = (n: number) => `"0x${n.toString(16).padStart(8, '0')}"`;
    const lines = this.entries().map((e) => `{"t":${e.t},"core":${e.core},"op":"${e.op}","addr":${e.op.startsWith('irq') ? e.addr : hex(e.addr)},"size":${e.size},"value":${hex(e.value)}}`);
    return `[\n${lines.join(',\n')}\n]\n`;
  }
}
