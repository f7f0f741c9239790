// Boards as data: each boards/<name>/board.json describes a board (chip, cores, memory
// map, peripherals with their models and IRQ numbers, console UART, LED). This
// module validates a description and turns its hex strings into numbers. The
// format is documented in docs/simulator.md.
import { VllsiError } from '../src/errors.js';
import type { BoardIo, BoardSpec, Chip, MemoryKind, MemorySpec, PeripheralSpec } from '../src/board.js';
import rpiPico from './rpi-pico/board.json' with { type: 'json' };
import esp32DevkitC from './esp32-devkitc/board.json' with { type: 'json' };

export type { BoardSpec, Chip, MemoryKind, MemorySpec, PeripheralSpec };

/** A board description (boards/NAME/board.json) is malformed, or names a model the simulator lacks. */
export class BoardError extends VllsiError<'BoardError'> {
  constructor(
    readonly board: string,
    message: string,
  ) {
    super('BoardError', `board ${JSON.stringify(board)}: ${message}`);
  }
}

const builtIn: Record<string, unknown> = { 'rpi-pico': rpiPico, 'esp32-devkitc': esp32DevkitC };

/** Names of the boards that ship with vllsi. */
export const boardNames: readonly string[] = Object.keys(builtIn);

/** A built-in board by name. */
export function loadBoard(name: string): BoardSpec {
  const raw = Object.hasOwn(builtIn, name) ? builtIn[name] : undefined;
  if (raw === undefined) throw new BoardError(name, `is not a known board; known boards: ${boardNames.join(', ')}`);
  return parseBoard(raw);
}

/** Validates a board description (the JSON format of boards/NAME/board.json). */
export function parseBoard(raw: unknown): BoardSpec {
  const o = raw as Record<string, any>;
  const name = typeof o?.name === 'string' ? o.name : '(unnamed)';
  const fail = (msg: string): never => {
    throw new BoardError(name, msg);
  };
  if (typeof raw !== 'object' || raw === null) fail('description must be an object');
  const str = (v: unknown, what: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(`${what} must be a non-empty string`));
  const int = (v: unknown, what: string, min = 0): number => {
    const n = typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : v;
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= min
      ? n
      : fail(`${what} must be an integer >= ${min} (or a "0x..." string), not ${JSON.stringify(v)}`);
  };
  const widths = (v: unknown, what: string, dflt: (1 | 2 | 4)[]): (1 | 2 | 4)[] => {
    if (v === undefined) return dflt;
    if (!Array.isArray(v) || v.length === 0 || v.some((w) => w !== 1 && w !== 2 && w !== 4)) fail(`${what}.widths must be a non-empty list of 1, 2, 4`);
    return v as (1 | 2 | 4)[];
  };
  const chip = o.chip === 'rp2040' || o.chip === 'esp32' ? (o.chip as Chip) : fail(`chip must be 'rp2040' or 'esp32', not ${JSON.stringify(o.chip)}`);
  const irqCount = int(o.irqCount, 'irqCount', 1);
  const irqs: Record<string, number> = {};
  const memory = (Array.isArray(o.memory) ? o.memory : fail('memory must be a list')).map((m: any, i: number) => {
    const what = `memory[${i}]`;
    const kind = m?.kind === 'ram' || m?.kind === 'rom' || m?.kind === 'flash' ? (m.kind as MemoryKind) : fail(`${what}.kind must be ram, rom or flash`);
    return {
      name: str(m.name, `${what}.name`),
      kind,
      base: int(m.base, `${what}.base`),
      size: int(m.size, `${what}.size`, 1),
      widths: widths(m.widths, what, [1, 2, 4]),
    };
  });
  const peripherals = (Array.isArray(o.peripherals) ? o.peripherals : fail('peripherals must be a list')).map((p: any, i: number) => {
    const what = `peripherals[${i}]`;
    const pirqs: Record<string, number> = {};
    for (const [k, v] of Object.entries(p?.irqs ?? {})) {
      const n = int(v, `${what}.irqs.${k}`);
      if (n >= irqCount) fail(`${what}.irqs.${k} = ${n} is not below irqCount ${irqCount}`);
      pirqs[k] = irqs[k] = n;
    }
    const reset = p.reset === undefined ? undefined : int(p.reset, `${what}.reset`);
    if (reset !== undefined && reset > 31) fail(`${what}.reset = ${reset} is not a bit number 0..31`);
    return {
      name: str(p?.name, `${what}.name`),
      model: str(p.model, `${what}.model`),
      base: int(p.base, `${what}.base`),
      size: int(p.size, `${what}.size`, 4),
      widths: widths(p.widths, what, [4]),
      irqs: pirqs,
      ...(reset === undefined ? {} : { reset }),
    };
  });
  const all = [...memory, ...peripherals].sort((a, b) => a.base - b.base);
  for (let i = 0; i < all.length; i++) {
    const r = all[i]!;
    if (r.base + r.size > 2 ** 32) fail(`${r.name} ends past the 32-bit address space`);
    const n = all[i + 1];
    if (n && r.base + r.size > n.base) fail(`${r.name} overlaps ${n.name}`);
  }
  const cores = int(o.cores, 'cores', 1);
  const gpioCount = int(o.gpioCount, 'gpioCount', 1);
  const pin = (v: unknown, what: string) => {
    const n = int(v, what);
    return n < gpioCount ? n : fail(`${what} = ${n} is not below gpioCount ${gpioCount}`);
  };
  const pageSize = int(o.pageSize, 'pageSize', 1);
  if ((pageSize & (pageSize - 1)) !== 0) fail(`pageSize ${pageSize} is not a power of two`);
  const sl = o.spinlocks ?? {};
  return Object.freeze({
    name: str(o.name, 'name'),
    description: typeof o.description === 'string' ? o.description : '',
    chip,
    cpu: str(o.cpu, 'cpu'),
    cores,
    wordSize: o.wordSize === 64 ? 64 : o.wordSize === 32 ? 32 : fail('wordSize must be 32 or 64'),
    endian: o.endian === 'big' ? 'big' : o.endian === 'little' ? 'little' : fail("endian must be 'little' or 'big'"),
    pageSize,
    clockHz: int(o.clockHz, 'clockHz', 1),
    accessNs: int(o.accessNs, 'accessNs', 1),
    irqEntryNs: int(o.irqEntryNs, 'irqEntryNs', 0),
    irqCount,
    memory,
    peripherals,
    irqs,
    console: {
      uart: int(o.console?.uart, 'console.uart'),
      tx: pin(o.console?.tx, 'console.tx'),
      rx: pin(o.console?.rx, 'console.rx'),
      ...(o.console?.token === undefined ? {} : { token: consoleToken(o.console.token, fail) }),
    },
    led: { pin: pin(o.led?.pin, 'led.pin'), activeHigh: o.led?.activeHigh !== false },
    gpioCount,
    spinlocks: {
      count: int(sl.count, 'spinlocks.count'),
      kind: sl.kind === 'sio' || sl.kind === 'atomic' ? sl.kind : fail("spinlocks.kind must be 'sio' or 'atomic'"),
    },
    io: parseIo(o.io ?? {}, pin, int, fail),
    adcPins: (Array.isArray(o.adcPins ?? []) ? (o.adcPins ?? []) : fail('adcPins must be a list of pins')).map((n: unknown, i: number) =>
      pin(n, `adcPins[${i}]`),
    ),
    parts: (Array.isArray(o.parts ?? []) ? (o.parts ?? []) : fail('parts must be a list')).map((q: unknown, i: number) =>
      typeof q === 'object' && q !== null && typeof (q as { kind?: unknown }).kind === 'string'
        ? Object.freeze({ ...q })
        : fail(`parts[${i}] must be an object with a "kind"`),
    ),
  } satisfies BoardSpec);
}

/** The "io" section: named pins, and each bus's default pins (numbers; every pin below gpioCount). */
function parseIo(raw: unknown, pin: (v: unknown, what: string) => number, int: (v: unknown, what: string) => number, fail: (msg: string) => never): BoardIo {
  if (typeof raw !== 'object' || raw === null) fail('io must be an object');
  const o = raw as Record<string, any>;
  const pins = (v: unknown, what: string): Record<string, number> => {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null) fail(`${what} must be an object of pin numbers`);
    return Object.fromEntries(Object.entries(v as object).map(([k, n]) => [k, k === 'port' ? int(n, `${what}.port`) : pin(n, `${what}.${k}`)]));
  };
  const bus = (name: string) => (o[name] === undefined ? undefined : { default: pins(o[name].default, `io.${name}.default`) });
  const io: { -readonly [K in keyof BoardIo]: BoardIo[K] } = { pin: pins(o.pin, 'io.pin') };
  for (const b of ['I2C', 'SPI', 'Serial'] as const) {
    const v = bus(b);
    if (v !== undefined) io[b] = v;
  }
  return io;
}

/** A console unlock token: 16 to 128 printable ASCII characters without spaces. */
function consoleToken(v: unknown, fail: (msg: string) => never): string {
  return typeof v === 'string' && /^[!-~]{16,128}$/.test(v) ? v : fail('console.token must be 16 to 128 printable ASCII characters without spaces');
}

/** The board with `token` as its console unlock token (refused when it is not a valid token). */
export function withConsoleToken(spec: BoardSpec, token: string): BoardSpec {
  return {
    ...spec,
    console: {
      ...spec.console,
      token: consoleToken(token, (msg) => {
        throw new BoardError(spec.name, msg);
      }),
    },
  };
}
