// Vitest matchers over a pin's recorded waveform (`vllsi/host-sim/vitest`; importing the module
// installs them):
//   expect(board.gpio(16)).toHaveFrequency(1000, { tolerance: 0.01 });
//   expect(board.gpio(16)).toHaveDutyCycle(0.25, { tolerance: 0.01, from: 1e6 });
//   expect(board.led).toHaveEdgeAt(250e6, { within: 1000 });
import { expect } from 'vitest';
import { SimPin, type Window } from './sim-pin.js';

export interface ToleranceOptions extends Window {
  /** Relative tolerance (default 0.01: 1 %). */
  tolerance?: number;
}

function pin(received: unknown, matcher: string): SimPin {
  if (!(received instanceof SimPin)) throw new TypeError(`${matcher}: expected a pin of a simulated board (board.gpio(n)), got ${typeof received}`);
  return received;
}

const close = (actual: number, expected: number, tolerance: number) => Math.abs(actual - expected) <= Math.abs(expected) * tolerance;

export const waveformMatchers = {
  toHaveFrequency(received: unknown, hz: number, o: ToleranceOptions = {}) {
    const p = pin(received, 'toHaveFrequency');
    const f = p.frequency(o);
    const tol = o.tolerance ?? 0.01;
    return {
      pass: close(f, hz, tol),
      message: () =>
        `expected GPIO${p.pin} to have a frequency of ${hz} Hz (±${tol * 100} %), measured ${Number.isNaN(f) ? 'no complete period' : `${f.toPrecision(6)} Hz`} over ${p.measure(o).periods().length} periods`,
    };
  },
  toHaveDutyCycle(received: unknown, duty: number, o: ToleranceOptions = {}) {
    const p = pin(received, 'toHaveDutyCycle');
    const d = p.dutyCycle(o);
    const tol = o.tolerance ?? 0.01;
    return {
      pass: close(d, duty, tol),
      message: () =>
        `expected GPIO${p.pin} to have a duty cycle of ${duty} (±${tol * 100} %), measured ${Number.isNaN(d) ? 'no complete period' : d.toPrecision(4)}`,
    };
  },
  toHaveEdgeAt(received: unknown, tNs: number, o: { within?: number; rising?: boolean } = {}) {
    const p = pin(received, 'toHaveEdgeAt');
    const within = o.within ?? 0;
    const edges = p.edges().filter((e) => o.rising === undefined || e.rising === o.rising);
    const nearest = edges.reduce<number | undefined>((best, e) => (best === undefined || Math.abs(e.t - tNs) < Math.abs(best - tNs) ? e.t : best), undefined);
    return {
      pass: nearest !== undefined && Math.abs(nearest - tNs) <= within,
      message: () =>
        `expected GPIO${p.pin} to have a${o.rising === undefined ? 'n' : o.rising ? ' rising' : ' falling'} edge at ${tNs} ns (±${within} ns); the nearest is ${nearest === undefined ? 'none' : `at ${nearest} ns`}`,
    };
  },
};

expect.extend(waveformMatchers);

declare module 'vitest' {
  interface Matchers<T = any> {
    toHaveFrequency(hz: number, options?: ToleranceOptions): T;
    toHaveDutyCycle(duty: number, options?: ToleranceOptions): T;
    toHaveEdgeAt(tNs: number, options?: { within?: number; rising?: boolean }): T;
  }
}
