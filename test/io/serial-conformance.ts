// Serial behaviour the standard gives every chip, run by test/io/rp2040.test.ts and
// test/io/esp32.test.ts against their simulated boards: onReadable's exact counts and the
// formats' read() forms.
import { expect, it } from 'vitest';
import { createBoard, type SimBoard } from '../../host-sim/index.js';
import { IoRangeError } from '../../src/io/common.js';
import type { SerialInstance } from '../../src/io/serial.js';

type SerialClass = new (options: Record<string, unknown>) => SerialInstance;

/** Runs `fn` as code on core 0 (IRQ handlers are delivered at its HAL calls), then lets `after` pass. */
export function onCore<T>(b: SimBoard, fn: () => T, after = '1ms'): T {
  let r!: T;
  b.bind();
  b.machine.runCode(() => (r = fn()), b.now);
  b.runFor(after);
  return r;
}

/** The two conformance tests, for `Serial` on `board` with `options` (port or pins) talking to the board's UART `uart`. */
export function serialBasics(board: string, Serial: SerialClass, options: Record<string, unknown>, uart: number): void {
  const start = () => {
    const b = createBoard(board);
    b.bind();
    return b;
  };

  it('echo: onReadable gets the exact count; "buffer" reads return ArrayBuffers; bytes go out', () => {
    const b = start();
    const counts: number[] = [];
    new Serial({
      ...options,
      baud: 115200,
      format: 'buffer',
      onReadable(this: SerialInstance, n: number) {
        counts.push(n);
        const got = this.read() as ArrayBuffer;
        expect(got).toBeInstanceOf(ArrayBuffer);
        expect(got.byteLength).toBe(n);
        this.write(got);
      },
    });
    b.uart(uart).write('hello, serial');
    b.runFor('3ms');
    expect(b.uart(uart).output).toBe('hello, serial');
    expect(counts.reduce((x, y) => x + y, 0)).toBe(13);
  });

  it('"number" format reads a byte at a time, undefined when empty; read(n) and read(buffer) in "buffer"', () => {
    const b = start();
    const s = new Serial({ ...options, baud: 9600 });
    expect(s.format).toBe('number');
    expect(s.read()).toBeUndefined();
    b.uart(uart).write('ab');
    expect(onCore(b, () => [s.read(), s.read(), s.read()])).toEqual([97, 98, undefined]);
    s.format = 'buffer';
    b.uart(uart).write('xyz');
    expect(onCore(b, () => new Uint8Array(s.read(2) as ArrayBuffer))).toEqual(Uint8Array.of(120, 121));
    const into = new Uint8Array(4);
    expect(onCore(b, () => s.read(into))).toBe(1);
    expect(into[0]).toBe(122);
    expect(() => (s.format = 'text' as never)).toThrow(IoRangeError);
    expect(s.format).toBe('buffer');
  });
}
