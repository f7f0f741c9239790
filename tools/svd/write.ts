// Writes a register map as compact JSON (src/console/regmap.ts packMap), one register (and one
// import warning) per line so that regenerated maps diff well.
import { packMap, type DeviceMap } from '../../src/register_map.js';

export function mapToJson(map: DeviceMap): string {
  const packed = packMap(map) as { peripherals: { registers?: unknown[] }[]; warnings?: unknown[] };
  const head = JSON.stringify({ ...packed, peripherals: undefined, warnings: undefined }).slice(0, -1);
  const peripherals = packed.peripherals.map((p) => {
    const { registers, ...rest } = p;
    if (!registers) return JSON.stringify(rest);
    const regs = registers.map((r) => '  ' + JSON.stringify(r)).join(',\n');
    return `${JSON.stringify(rest).slice(0, -1)},"registers":[\n${regs}\n]}`;
  });
  const warnings = packed.warnings ? `,"warnings":[\n${packed.warnings.map((w) => JSON.stringify(w)).join(',\n')}\n]` : '';
  return `${head},"peripherals":[\n${peripherals.join(',\n')}\n]${warnings}}\n`;
}
