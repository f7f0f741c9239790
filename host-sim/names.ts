// Names for bus addresses in messages: PERIPHERAL.REGISTER from the board's register map
// (boards/NAME/registers.json), else PERIPHERAL+0xOFFSET from the board data.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardSpec } from '../boards/index.js';
import { hex } from '../src/errors.js';
import { registerAt, unpackMap, type DeviceMap } from '../src/register_map.js';
import type { TraceEntry } from './trace.js';

const root = (function up(d: string): string {
  return existsSync(path.join(d, 'package.json')) || path.dirname(d) === d ? d : up(path.dirname(d));
})(path.dirname(fileURLToPath(import.meta.url)));

/** Loaded on first use: a board's map is only read to word an error. */
function registerMap(board: BoardSpec): DeviceMap | undefined {
  const file = path.join(root, 'boards', board.name, 'registers.json');
  try {
    return existsSync(file) ? unpackMap(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  } catch {
    return undefined; // a name is a nicety: the hex address still says it
  }
}

export class AddressNames {
  private map: DeviceMap | undefined | null = null;
  constructor(private readonly board: BoardSpec) {}

  name(addr: number): string {
    if (this.map === null) this.map = registerMap(this.board);
    const alias =
      addr & 0x3000 && this.board.chip === 'rp2040' && addr >= 0x40000000 && addr < 0xd0000000
        ? ['', ' (XOR alias)', ' (SET alias)', ' (CLR alias)'][(addr >>> 12) & 3]!
        : '';
    const plain = alias ? addr & ~0x3000 : addr;
    const r = this.map && registerAt(this.map, plain >>> 0);
    if (r) return `${r.peripheral.name}.${r.register.name}${alias}`;
    const p = this.board.peripherals.find((q) => plain >= q.base && plain < q.base + q.size);
    return p ? `${p.name}+0x${(plain - p.base).toString(16)}${alias}` : hex(addr >>> 0);
  }

  /** The distinct accesses of the last trace entries, most recent last: `write SIO.GPIO_OUT_XOR = 0x2000000`. */
  describe(entries: readonly TraceEntry[], count = 6): string {
    const seen = new Set<string>();
    const out: string[] = [];
    for (let i = entries.length - 1; i >= 0 && out.length < count; i--) {
      const e = entries[i]!;
      if (e.op !== 'read' && e.op !== 'write') continue;
      const text = `${e.op} ${this.name(e.addr)}${e.op === 'write' ? ` = 0x${e.value.toString(16)}` : ''}`;
      const key = `${e.op} ${e.addr}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.unshift(text);
    }
    return out.length ? out.join('; ') : 'no register access in the trace';
  }
}
