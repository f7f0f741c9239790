// `vllsi init [--board NAME] DIR`: a new app, ready for `npm test`, `vllsi sim` and `vllsi build`.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { boardNames, loadBoard } from '../../boards/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { didYouMean } from '../../src/suggest.js';
import { packageRoot } from '../moddable.js';
import { templateFiles } from '../init/templates.js';

export const init: Command = {
  name: 'init',
  summary: 'start a new app: a driver, its simulator test, tsconfig, package.json, README',
  help: `usage: vllsi init [--board NAME] DIR

Writes a new app into DIR (created if absent; it must be empty otherwise): index.ts (main:
the board LED on and a greeting on the console UART, through vllsi's register definitions),
app.test.ts (vitest + simulate() from vllsi/host-sim), tsconfig.json, package.json and a
README. Then: cd DIR && npm install && npm test; npx vllsi sim .; npx vllsi build --board NAME .

  --board NAME      ${boardNames.join(' | ')} (default: rpi-pico)
  -h, --help        this text`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { board: { type: 'string', default: 'rpi-pico' } });
    if (positionals.length !== 1) throw new UsageError(`init takes one DIR, got ${positionals.length}`);
    const board = values.board!;
    if (!boardNames.includes(board)) throw new UsageError(`unknown board '${board}'${didYouMean(board, boardNames)} (known: ${boardNames.join(', ')})`);
    const dir = path.resolve(positionals[0]!);
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new InvalidArgument('DIR', positionals[0], 'is a file: give a new folder');
      const present = readdirSync(dir).filter((f) => f !== '.git');
      if (present.length)
        throw new InvalidArgument(
          'DIR',
          positionals[0],
          `is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): give a new or empty folder, nothing was written`,
        );
    }
    const chip = loadBoard(board).chip as 'rp2040' | 'esp32';
    const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    const name =
      path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9-._]/g, '-')
        .replace(/^[._]+/, '') || 'vllsi-app';
    const files = templateFiles({ name, board, chip, vllsiVersion: version });
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    const rel = path.relative(process.cwd(), dir) || '.';
    console.log(`wrote ${Object.keys(files).length} files to ${rel} (${board}): ${Object.keys(files).join(', ')}\nnext: cd ${rel} && npm install && npm test`);
    return 0;
  },
};
