// A timing diagram of a board's waveforms as SVG: one row per signal (GPIOs, UART TX lines
// with each byte decoded in a box, I2C SCL/SDA with START, address, bytes, ACK/NACK and STOP
// labelled, IRQ lines), a time axis with round ticks. Each row is
// drawn per pixel column (a column where the signal toggles more than once is a filled bar),
// so a long PWM run stays a small picture.
import { InvalidArgument, hex } from '../src/errors.js';
import type { Signal, Waveform } from './waveform.js';

export interface PlotOptions {
  pins?: readonly number[];
  /** Window, ns (default: reset to `end`). */
  from?: number;
  to?: number;
  /** Width of the plot area in pixels (default 1000). */
  width?: number;
  title?: string;
}

const LABEL = 110,
  ROW = 34,
  HIGH = 8,
  LOW = 26,
  TOP = 34,
  AXIS = 40,
  RIGHT = 20;
const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** A time as people read it on an axis: 250 ms, 1.5 s, 80 µs. */
export function shortTime(ns: number): string {
  if (ns === 0) return '0';
  const [div, unit] = UNITS.find(([d]) => Math.abs(ns) >= d) ?? [1, 'ns'];
  return `${Number((ns / div).toPrecision(4))} ${unit}`;
}

/** A round tick step giving about `n` ticks over `span` ns: 1, 2 or 5 × 10^k. */
function tickStep(span: number, n = 10): number {
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A byte as a label: the character when printable (space as ·), else its escape or hex. */
function byteLabel(b: number): string {
  if (b === 0x0a) return '\\n';
  if (b === 0x0d) return '\\r';
  if (b === 0x20) return '·'; // a visible space
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  return hex(b, 2);
}

export function plotSvg(waves: Waveform, end: number, o: PlotOptions = {}): string {
  const from = o.from ?? 0,
    to = o.to ?? end;
  if (!(to > from)) throw new InvalidArgument('plot window', `${from}..${to}`, 'must end after it starts (run the board first)');
  const width = o.width ?? 1000;
  if (!Number.isInteger(width) || width < 100 || width > 20000) throw new InvalidArgument('plot width', width, 'must be an integer of 100..20000 pixels');
  const sigs = waves.select(o.pins);
  const x = (t: number) => LABEL + ((t - from) / (to - from)) * width;
  const height = TOP + sigs.length * ROW + AXIS;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL + width + RIGHT}" height="${height}" viewBox="0 0 ${LABEL + width + RIGHT} ${height}" font-family="monospace" font-size="12">`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="8" y="20" font-size="14" font-weight="bold">${esc(o.title ?? `${shortTime(from)} .. ${shortTime(to)}`)}</text>`);
  // Time axis: grid lines and labels.
  const step = tickStep(to - from);
  const axisY = TOP + sigs.length * ROW + 6;
  out.push(`<g class="axis" stroke="#ccc">`);
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(`<line x1="${x(t).toFixed(1)}" y1="${TOP}" x2="${x(t).toFixed(1)}" y2="${axisY}"/>`);
  out.push(`</g><g class="ticks" text-anchor="middle" fill="#333">`);
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 16}">${esc(shortTime(t))}</text>`);
  out.push(`</g>`);
  sigs.forEach((s, row) => {
    const top = TOP + row * ROW;
    out.push(`<g class="row" data-signal="${s.name}">`);
    out.push(`<text x="8" y="${top + 21}" fill="#000">${esc(s.name)}</text>`);
    out.push(
      `<path d="${rowPath(waves, s, from, to, width, top)}" fill="none" stroke="${s.kind === 'irq' ? '#b03030' : s.kind === 'gpio' ? '#208040' : '#2060b0'}" stroke-width="1.5"/>`,
    );
    const boxes =
      s.kind === 'uart'
        ? waves.frames.filter((f) => f.uart === s.index).map((f) => ({ start: f.start, end: f.end, label: byteLabel(f.byte) }))
        : s.kind === 'i2c-sda'
          ? waves.i2cEvents.filter((e) => e.bus === s.index)
          : [];
    for (const f of boxes) {
      if (f.end < from || f.start > to) continue;
      const x0 = x(Math.max(f.start, from)),
        x1 = x(Math.min(f.end, to));
      if (x1 - x0 < 3) continue;
      out.push(
        `<rect class="byte" x="${x0.toFixed(1)}" y="${top + 3}" width="${(x1 - x0).toFixed(1)}" height="${LOW - 1}" fill="#dde8ff" fill-opacity="0.7" stroke="#2060b0" stroke-width="0.5"/>`,
      );
      if (x1 - x0 >= 7 * f.label.length)
        out.push(`<text class="byte" x="${((x0 + x1) / 2).toFixed(1)}" y="${top + 20}" text-anchor="middle" fill="#102040">${esc(f.label)}</text>`);
    }
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}

/** The row's trace, one pixel column at a time. */
function rowPath(waves: Waveform, s: Signal, from: number, to: number, width: number, top: number): string {
  const y = (l: boolean) => top + (l ? HIGH : LOW);
  const dt = (to - from) / width;
  let i = s.times.findIndex((t) => t > from);
  if (i < 0) i = s.times.length;
  let level = waves.levelAt(s, from);
  const d: string[] = [`M${LABEL} ${y(level)}`];
  for (let col = 0; col < width; col++) {
    const end = from + (col + 1) * dt;
    let toggles = 0;
    while (i < s.times.length && s.times[i]! <= end) {
      if (s.levels[i] !== level) toggles++;
      level = s.levels[i]!;
      i++;
    }
    if (toggles === 0) continue;
    const cx = LABEL + col + 0.5;
    if (toggles === 1) d.push(`H${cx} V${y(level)}`);
    else d.push(`H${cx} V${y(!level)} V${y(level)}`); // toggled several times in this column: a bar
  }
  d.push(`H${LABEL + width}`);
  return d.join(' ');
}
