// The register map the inspector decodes with: a board's committed map
// (boards/NAME/registers.json) or one imported from an SVD file on the spot.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackMap, type DeviceMap } from '../../src/register_map.js';
import { InvalidArgument } from '../../src/errors.js';
import { didYouMean } from '../../src/suggest.js';
import { importSvd } from '../svd/import.js';
import { readBytes } from '../files.js';

/** The package root: the nearest folder up from here with package.json (source or dist/node). */
export const packageRoot = (function up(d: string): string {
  return existsSync(path.join(d, 'package.json')) || path.dirname(d) === d ? d : up(path.dirname(d));
})(path.dirname(fileURLToPath(import.meta.url)));

/** Boards that ship a register map. */
export function mappedBoards(): string[] {
  const dir = path.join(packageRoot, 'boards');
  return readdirSync(dir)
    .filter((b) => existsSync(path.join(dir, b, 'registers.json')))
    .sort();
}

export function loadMap(source: { board?: string; svd?: string }): DeviceMap {
  if (source.svd !== undefined) return importSvd(readBytes(source.svd), { source: path.basename(source.svd) });
  const board = source.board ?? 'rpi-pico';
  const file = path.join(packageRoot, 'boards', board, 'registers.json');
  if (!/^[\w.-]+$/.test(board) || !existsSync(file)) {
    throw new InvalidArgument(
      'board',
      board,
      `has no register map${didYouMean(board, mappedBoards())} (boards with one: ${mappedBoards().join(', ')}); or give --svd FILE`,
    );
  }
  return unpackMap(JSON.parse(readFileSync(file, 'utf8')));
}
