// `vllsi svd import|gen`: CMSIS-SVD files to register maps and TypeScript register definitions.
import path from 'node:path';
import { UsageError, type Command } from '../command.js';
import { importSvd } from '../svd/import.js';
import { mapToJson } from '../svd/write.js';
import { generate } from '../svd/gen.js';
import { readText, writeText } from '../files.js';

const help = `usage:
  vllsi svd import FILE.svd -o OUT.json [--descriptions] [--source TEXT]
  vllsi svd gen FILE.svd -o DIR [--only P1,P2] [--mmio-import SPEC] [--source TEXT]

import  writes the device's flattened register map (every derivedFrom, dim array, cluster and
        inherited property resolved) as compact JSON, e.g. boards/rpi-pico/registers.json.
        --descriptions keeps the SVD descriptions; --source records where the SVD came from.
gen     writes TypeScript register definitions in the format of src/register_def.ts (PeripheralDef):
        one tree-shakeable module per peripheral plus index.ts. --only limits it to the named
        peripherals (and the ones they derive from); --mmio-import is the module that exports
        PeripheralDef (default 'vllsi').`;

interface Parsed {
  file: string;
  out: string;
  flags: Map<string, string | true>;
}

function parse(args: string[], valued: string[], bare: string[]): Parsed {
  let file: string | undefined;
  let out: string | undefined;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--out') out = args[++i];
    else if (valued.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      flags.set(a, v);
    } else if (bare.includes(a)) flags.set(a, true);
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (file === undefined) throw new UsageError('no SVD file given');
  if (out === undefined) throw new UsageError('no output given (-o)');
  return { file, out, flags };
}

export const svd: Command = {
  name: 'svd',
  summary: 'import a CMSIS-SVD file as a register map or TypeScript definitions',
  help,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'import') {
      const { file, out, flags } = parse(rest, ['--source'], ['--descriptions']);
      const source = flags.get('--source');
      const map = importSvd(readText(file), {
        descriptions: flags.has('--descriptions'),
        source: typeof source === 'string' ? source : path.basename(file),
      });
      writeText(out, mapToJson(map));
      const registers = map.peripherals.reduce((n, p) => n + p.registers.length, 0);
      console.log(`${out}: ${map.device}, ${map.peripherals.length} peripherals, ${registers} registers`);
      return 0;
    }
    if (sub === 'gen') {
      const { file, out, flags } = parse(rest, ['--only', '--mmio-import', '--source'], []);
      const only = flags.get('--only');
      const mmioImport = flags.get('--mmio-import');
      const source = flags.get('--source');
      const map = importSvd(readText(file), { descriptions: true, source: typeof source === 'string' ? source : path.basename(file) });
      const files = generate(map, {
        only: typeof only === 'string' ? only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
        mmioImport: typeof mmioImport === 'string' ? mmioImport : undefined,
      });
      for (const [name, text] of files) writeText(path.join(out, name), text);
      console.log(`${out}: ${map.device}, ${files.size - 1} peripheral modules + index.ts`);
      return 0;
    }
    throw new UsageError(sub === undefined ? 'no subcommand (import or gen)' : `unknown subcommand '${sub}'`);
  },
};
