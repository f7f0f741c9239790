// Runs one hostile case (test/svd/hostile-cases.ts) in this process and prints, as JSON, the
// error it gave, how long the import took (wall and CPU time: the team machine is shared, so
// the CPU time is the figure that says what the import costs) and the process's peak RSS.
import { importSvd } from '../../tools/svd/import.js';
import { cases } from './hostile-cases.js';

const c = cases[process.argv[2]!]!;
const input = c.make();
const t = performance.now();
const cpu = process.cpuUsage();
let outcome: { kind: string; message: string };
try {
  const m = importSvd(input);
  const registers = m.peripherals.reduce((n, p) => n + p.registers.length, 0);
  const warnings = (m.warnings ?? []).map((w) => `${w.where}: ${w.message}`).join(' | ');
  outcome = {
    kind: 'none',
    message: `imported: ${m.peripherals.length} peripherals, ${registers} registers, ${m.warnings?.length ?? 0} warnings: ${warnings}`,
  };
} catch (e) {
  outcome = { kind: (e as { kind?: string }).kind ?? (e as Error).name, message: (e as Error).message };
}
const ms = performance.now() - t;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ ...outcome, ms, cpuMs: (used.user + used.system) / 1000, rssMB: process.resourceUsage().maxRSS / 1024 }));
