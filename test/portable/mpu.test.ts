// OS memory protections on a device: the Cortex-M MPU registers, programmed through the
// in-memory HAL (standing for the chip's PPB), and the typed refusal on chips without one.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { MemHal } from '../support/mem-hal.js';
import { bindHal, unbindHal } from '../../src/platform.js';
import { volatileLoad, volatileStore } from '../../src/mmio.js';
import { MemProt } from '../../src/bitflags.js';
import { Unsupported } from '../../src/errors.js';
import { initOsMemory, releaseOsMemory, osAlloc, osFree, osProtect, osProtection, osAdvise } from '../../src/os_memory.js';
import { armMpuProtector, deviceMemoryProtector, MPU_CTRL, MPU_RASR, MPU_RBAR, MPU_RNR, MPU_TYPE } from '../../src/mpu.js';
import { thrown } from '../support/thrown.js';

const PAGE = 4096;
const BASE = 0x20010000; // 64 KiB aligned: one region can cover it
const SIZE = 16 * PAGE;
let hal: MemHal;

/** RBAR/RASR of region n, read back through RNR like the core would. */
function region(n: number): [number, number] {
  volatileStore(MPU_RNR, n);
  return [volatileLoad(MPU_RBAR), volatileLoad(MPU_RASR)];
}

beforeEach(() => {
  hal = new MemHal({
    regions: [
      { name: 'SRAM', base: 0x20000000, size: 0x20000 },
      { name: 'PPB MPU', base: MPU_TYPE, size: 0x14 },
    ],
  });
  hal.poke32(MPU_TYPE, 8 << 8); // RP2040: 8 regions
  // RBAR and RASR are banked by RNR, as on the core.
  for (const reg of [MPU_RBAR, MPU_RASR]) {
    const banks = new Uint32Array(16);
    hal.device(reg, { load: () => banks[hal.peek32(MPU_RNR) & 0xf]!, store: (v) => (banks[hal.peek32(MPU_RNR) & 0xf] = v) });
  }
  bindHal(hal);
});
afterEach(() => {
  releaseOsMemory();
  unbindHal();
});

describe('OS memory on the ARMv6-M MPU (RP2040)', () => {
  it('fresh and freed pages need no region; osProtect programs one per run, freeing drops it', () => {
    const mpu = armMpuProtector({ base: BASE, size: SIZE, pageSize: PAGE });
    initOsMemory({ base: BASE, size: SIZE, pageSize: PAGE, protector: mpu });
    const a = osAlloc(4 * PAGE);
    expect(mpu.regions()).toEqual([]);
    volatileStore(a, 0x1234); // read-write under the default map
    osProtect(a, 4 * PAGE, MemProt.Read);
    const [rbar, rasr] = region(0);
    expect(rbar).toBe((a | 0x10 | 0) >>> 0); // address, VALID, region 0
    expect((rasr >>> 24) & 7).toBe(0b110); // AP: read-only
    expect((rasr >>> 28) & 1).toBe(1); // XN: not executable
    expect((rasr >>> 1) & 0x1f).toBe(13); // 2^(13+1) = 16 KiB
    expect(rasr & 1).toBe(1);
    expect(volatileLoad(MPU_CTRL)).toBe(0b101); // ENABLE | PRIVDEFENA
    expect(volatileLoad(a)).toBe(0x1234); // protection does not touch the contents
    osProtect(a, PAGE, MemProt.Read.or(MemProt.Exec));
    expect(mpu.regions().map((r) => [r.base - a, r.size])).toEqual([
      [0, PAGE],
      [PAGE, PAGE],
      [2 * PAGE, 2 * PAGE],
    ]);
    expect((region(0)[1] >>> 28) & 1).toBe(0); // the first page is executable
    osFree(a, 4 * PAGE);
    expect(mpu.regions()).toEqual([]);
    expect(region(0)[1]).toBe(0);
    expect(volatileLoad(MPU_CTRL)).toBe(0);
  });

  it('what the MPU cannot do is Unsupported and changes nothing', () => {
    const mpu = armMpuProtector({ base: BASE, size: SIZE, pageSize: PAGE });
    initOsMemory({ base: BASE, size: SIZE, pageSize: PAGE, protector: mpu });
    const a = osAlloc(16 * PAGE);
    expect(thrown(() => osProtect(a, PAGE, MemProt.Write))).toBeInstanceOf(Unsupported); // write-only
    // Every other page read-only: 8 runs fit the 8 regions, the 9th does not.
    for (let p = 0; p < 16; p += 2) osProtect(a + p * PAGE, PAGE, MemProt.Read);
    expect(mpu.regions()).toHaveLength(8);
    const e = thrown(() => osProtect(a + PAGE, PAGE, MemProt.None)) as Unsupported;
    expect(e).toBeInstanceOf(Unsupported);
    expect(e.message).toContain('MPU regions');
    expect(osProtection(a + PAGE).equals(MemProt.Read.or(MemProt.Write))).toBe(true);
    expect(mpu.regions()).toHaveLength(8);
  });

  it('DontNeed zeroes through the bus', () => {
    initOsMemory({ base: BASE, size: SIZE, pageSize: PAGE, protector: armMpuProtector({ base: BASE, size: SIZE, pageSize: PAGE }) });
    const a = osAlloc(PAGE);
    volatileStore(a + 8, 77);
    osAdvise(a, PAGE, 'DontNeed');
    expect(volatileLoad(a + 8)).toBe(0);
  });
});

describe('OS memory on a chip without an MPU (ESP32)', () => {
  it('allocation works; osProtect is Unsupported', () => {
    initOsMemory({ base: BASE, size: SIZE, pageSize: PAGE, protector: deviceMemoryProtector('xtensa-lx6', { base: BASE, size: SIZE, pageSize: PAGE }) });
    const a = osAlloc(PAGE);
    volatileStore(a, 5);
    const e = thrown(() => osProtect(a, PAGE, MemProt.Read)) as Unsupported;
    expect(e).toBeInstanceOf(Unsupported);
    expect(e.message).toContain('no MPU');
    osFree(a, PAGE);
  });

  it('the board cpu picks the protector', () => {
    expect(deviceMemoryProtector('cortex-m0plus', { base: BASE, size: SIZE, pageSize: PAGE }).name).toBe('ARM MPU');
    expect(deviceMemoryProtector('xtensa-lx6', { base: BASE, size: SIZE, pageSize: PAGE }).protect).toBeUndefined();
  });
});
