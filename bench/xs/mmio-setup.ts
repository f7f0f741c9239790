// Set-up for bench/mmio.bench.js: a register with an 8-bit field on two HALs bound in
// turn: the in-memory test HAL (test/support/mem-hal.ts, bounds and fault checks per access) and a
// bare HAL whose 32-bit accesses go straight to a DataView, closer to a native HAL's cost.
import { bindHal, peripheral, withCriticalSection } from '../../src/index.js';
import { MemHal } from '../../test/support/mem-hal.js';

export const ADDR = 0x40000000;
const DEF = {
  name: 'BENCH',
  baseAddress: ADDR,
  registers: { CTRL: { addressOffset: 0, fields: { EN: { bitOffset: 0, bitWidth: 1 }, DIV: { bitOffset: 8, bitWidth: 8 } } } },
} as const;

class BareHal extends MemHal {
  private readonly word = new DataView(new ArrayBuffer(4));
  override load32(_addr: number): number {
    return this.word.getUint32(0, true);
  }
  override store32(_addr: number, value: number): void {
    this.word.setUint32(0, value, true);
  }
}

export function setup(kind: 'mem' | 'bare') {
  const options = { regions: [{ name: 'dev', base: ADDR, size: 0x100 }] };
  const hal = kind === 'mem' ? new MemHal(options) : new BareHal(options);
  bindHal(hal);
  const p = peripheral(DEF);
  return { hal, CTRL: p.CTRL, DIV: p.CTRL.fields.DIV, withCriticalSection };
}
