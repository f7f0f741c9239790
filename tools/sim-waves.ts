// `vllsi sim --vcd FILE --plot FILE [--pins LIST]`: the run's waveforms written out at the end
// (host-sim/waveform.ts, host-sim/plot.ts).
import { writeFileSync } from 'node:fs';
import { UsageError } from './command.js';
import type { SimBoard } from '../host-sim/index.js';

// --pins is the watch's option (tools/sim-watch.ts); it also picks the waveforms' GPIOs.
export const wavesOptions = { vcd: { type: 'string' }, plot: { type: 'string' } } as const;

export const wavesHelp = `  --vcd FILE        write the run's waveforms as a Value Change Dump (GTKWave, PulseView):
                    GPIO levels, UART TX lines, IRQ lines, 1 ns timescale
  --plot FILE       draw them as an SVG timing diagram (UART bytes decoded); --pins picks
                    their GPIOs (default, and with --pins all: every pin that moved or idles high)`;

export interface WavesSettings {
  readonly vcd?: string;
  readonly plot?: string;
  readonly pins?: readonly number[];
}

/** Checks --vcd/--plot/--pins against the board. */
export function wavesSettings(values: { vcd?: string; plot?: string; pins?: string }, gpioCount: number): WavesSettings {
  const pins =
    values.pins === 'all'
      ? undefined
      : values.pins?.split(',').map((t) => {
          const n = Number(t.trim());
          if (t.trim() === '' || !Number.isInteger(n) || n < 0 || n >= gpioCount)
            throw new UsageError(`--pins takes GPIO numbers 0-${gpioCount - 1}, comma-separated; got '${t}'`);
          return n;
        });
  for (const f of ['vcd', 'plot'] as const) if (values[f] === '') throw new UsageError(`--${f} takes a file name`);
  return { ...(values.vcd ? { vcd: values.vcd } : {}), ...(values.plot ? { plot: values.plot } : {}), ...(pins ? { pins } : {}) };
}

/** Writes the files asked for; returns a line per file for the report. */
export function writeWaves(board: SimBoard, s: WavesSettings): string[] {
  const lines: string[] = [];
  if (s.vcd !== undefined) {
    writeFileSync(s.vcd, board.trace.toVCD(s.pins ? { pins: s.pins } : {}));
    lines.push(`vllsi sim: waveforms written to ${s.vcd} (VCD)`);
  }
  if (s.plot !== undefined) {
    writeFileSync(s.plot, board.plot(s.pins ? { pins: s.pins } : {}));
    lines.push(`vllsi sim: timing diagram written to ${s.plot} (SVG)`);
  }
  return lines;
}
