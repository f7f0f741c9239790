// The access trace ring: what goes in comes out (time as whole nanoseconds), oldest first,
// the newest `capacity` entries kept.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccessTrace, type TraceOp } from '../../host-sim/trace.js';
import { runs } from '../support/env.js';

const entry = fc.record({
  // Fractional times occur (an 80 MHz timer ticks every 12.5 ns); times pass 2^32 ns after 4.3 s.
  t: fc.oneof(fc.nat(), fc.double({ min: 0, max: 2 ** 52, noNaN: true }), fc.integer({ min: 2 ** 32 - 2, max: 2 ** 32 + 2 })),
  core: fc.integer({ min: 0, max: 3 }),
  op: fc.constantFrom<TraceOp>('read', 'write', 'fault', 'irq-enter', 'irq-exit'),
  addr: fc.nat({ max: 0xffffffff }),
  size: fc.constantFrom(0, 1, 2, 4),
  value: fc.nat({ max: 0xffffffff }),
});

describe('AccessTrace', () => {
  it('law: entries() returns the last `capacity` records, oldest first, with time floored to whole ns', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(entry, { maxLength: 20 }), (capacity, script) => {
        const trace = new AccessTrace(capacity);
        for (const e of script) trace.record(e.t, e.core, e.op, e.addr, e.size, e.value);
        const kept = script.slice(Math.max(0, script.length - capacity));
        expect(trace.length).toBe(kept.length);
        expect(trace.entries()).toEqual(kept.map((e) => ({ ...e, t: Math.floor(e.t) })));
      }),
      runs(300, 1000),
    );
  });

  it('keeps nothing while disabled and nothing after clear()', () => {
    const trace = new AccessTrace(4);
    trace.record(1, 0, 'read', 0x20000000, 4, 7);
    trace.enabled = false;
    trace.record(2, 0, 'write', 0x20000004, 4, 8);
    expect(trace.entries().map((e) => e.t)).toEqual([1]);
    trace.clear();
    expect(trace.entries()).toEqual([]);
  });
});
