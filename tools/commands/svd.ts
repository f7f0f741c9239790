// `vllsi svd import|gen`: CMSIS-SVD files to register maps and TypeScript register definitions.
import path from 'node:path';
import { UsageError, type Command } from '../command.js';
import { importSvd, type ImportOptions } from '../svd/import.js';
import { mapToJson } from '../svd/write.js';
import { generate } from '../svd/gen.js';
import { readBytes, readText, writeText } from '../files.js';
import { applyPatch, readPatch } from '../svd/patch.js';
import type { DeviceMap } from '../../src/register_map.js';

/** Warnings printed in full by default. */
const FIRST = 10;

const help = `usage:
  vllsi svd import FILE.svd -o OUT.json [--patch FIX.json] [--descriptions] [--source TEXT] [--strict] [--warnings N|all]
  vllsi svd gen FILE.svd -o DIR [--patch FIX.json] [--only P1,P2] [--mmio-import SPEC] [--source TEXT] [--strict] [--warnings N|all]

import  writes the device's flattened register map (every derivedFrom, dim array, cluster and
        inherited property resolved) as compact JSON, e.g. boards/rpi-pico/registers.json.
        --descriptions keeps the SVD descriptions; --source records where the SVD came from.
gen     writes TypeScript register definitions in the format of src/register_def.ts (PeripheralDef):
        one tree-shakeable module per peripheral plus index.ts. --only limits it to the named
        peripherals (and the ones they derive from); --mmio-import is the module that exports
        PeripheralDef (default 'vllsi').
--patch applies corrections to what the vendor file gets wrong (a JSON list of rules that set
        access, readAction, modifiedWriteValues or resetValue on registers and fields selected by
        glob, or delete them, each with its reason), e.g. tools/svd/patches/esp32.json. A rule
        that selects nothing is an error. docs/svd.md describes the format.

A bad element of the SVD (an enumerated value wider than its field, a field past its register,
an impossible size...) is repaired or skipped with a warning that names its path; the warnings
are counted by class on stderr, the first ${FIRST} in full (--warnings N shows N, --warnings all
every one), and kept in the JSON map. --strict refuses the file at the first one instead
(renames of repeated names excepted). docs/svd.md lists the warning classes.`;

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

/** Imports FILE (options from the flags), prints its warning summary on stderr, and applies --patch. */
function load(file: string, flags: Map<string, string | true>, options: ImportOptions): DeviceMap {
  const shown = warningsShown(flags.get('--warnings'));
  const source = flags.get('--source');
  const patchFile = flags.get('--patch');
  const patch = typeof patchFile === 'string' ? readPatch(readText(patchFile), patchFile) : undefined;
  const map = importSvd(readBytes(file), {
    ...options,
    strict: flags.has('--strict'),
    source: typeof source === 'string' ? source : path.basename(file),
  });
  printWarnings(file, map, shown);
  if (patch === undefined) return map;
  return applyPatch({ ...map, source: `${map.source}, corrected by ${path.basename(patchFile as string)}` }, patch);
}

function printWarnings(file: string, map: DeviceMap, shown: number): void {
  const warnings = map.warnings ?? [];
  if (warnings.length === 0) return;
  const counts = new Map<string, number>();
  for (const w of warnings) counts.set(w.kind, (counts.get(w.kind) ?? 0) + 1);
  const lines = [`${file}: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`];
  for (const w of warnings.slice(0, shown)) lines.push(`  ${w.kind}: ${w.where}: ${w.message}`);
  if (warnings.length > shown) lines.push(`  … ${warnings.length - shown} more (--warnings all shows every one)`);
  console.error(lines.join('\n'));
}

function warningsShown(flag: string | true | undefined): number {
  if (flag === undefined) return FIRST;
  if (flag === 'all') return Infinity;
  if (typeof flag === 'string' && /^\d{1,9}$/.test(flag)) return Number(flag);
  throw new UsageError(`--warnings takes a count or 'all', not '${flag}'`);
}

export const svd: Command = {
  name: 'svd',
  summary: 'import a CMSIS-SVD file as a register map or TypeScript definitions',
  help,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'import') {
      const { file, out, flags } = parse(rest, ['--patch', '--source', '--warnings'], ['--descriptions', '--strict']);
      const map = load(file, flags, { descriptions: flags.has('--descriptions') });
      writeText(out, mapToJson(map));
      const registers = map.peripherals.reduce((n, p) => n + p.registers.length, 0);
      console.log(`${out}: ${map.device}, ${map.peripherals.length} peripherals, ${registers} registers, ${map.warnings?.length ?? 0} warnings`);
      return 0;
    }
    if (sub === 'gen') {
      const { file, out, flags } = parse(rest, ['--patch', '--only', '--mmio-import', '--source', '--warnings'], ['--strict']);
      const only = flags.get('--only');
      const mmioImport = flags.get('--mmio-import');
      const map = load(file, flags, { descriptions: true });
      const files = generate(map, {
        only:
          typeof only === 'string'
            ? only
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : undefined,
        mmioImport: typeof mmioImport === 'string' ? mmioImport : undefined,
      });
      for (const [name, text] of files) writeText(path.join(out, name), text);
      console.log(`${out}: ${map.device}, ${files.size - 1} peripheral modules + index.ts`);
      return 0;
    }
    throw new UsageError(sub === undefined ? 'no subcommand (import or gen)' : `unknown subcommand '${sub}'`);
  },
};
