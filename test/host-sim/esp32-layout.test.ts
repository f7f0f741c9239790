// The ESP32 models' register layouts (TRM) against esp32.svd: every register offset and field
// position a model uses is where the SVD puts it, and each register reads its SVD reset value on
// a fresh board. Skips loudly where ../shared/svd is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../host-sim/index.js';
import { ESP32_ADC_LAYOUT } from '../../host-sim/esp32-adc.js';
import { ESP32_I2C_LAYOUT } from '../../host-sim/esp32-i2c.js';
import { ESP32_SPI_LAYOUT } from '../../host-sim/esp32-spi.js';
import type { TrmLayout } from '../../host-sim/model.js';
import { importSvd } from '../../tools/svd/import.js';
import { locate, registerAccess } from '../../src/register_map.js';
import { sharedDir } from '../svd/shared.js';

const esp32Svd = path.join(sharedDir, 'svd', 'esp32.svd');
if (!existsSync(esp32Svd)) console.warn(`SKIPPED: ESP32 model layouts against the SVD: ${esp32Svd} does not exist`);

/** Registers whose read has an effect (DATA pops the RX FIFO) or whose SVD reset value is not what the chip shows. */
const NOT_READ_AT_RESET = new Set(['I2C0.DATA', 'I2C1.DATA']);

describe.skipIf(!existsSync(esp32Svd))('ESP32 model layouts (TRM) against esp32.svd', () => {
  const map = existsSync(esp32Svd) ? importSvd(readFileSync(esp32Svd)) : undefined!;

  const check = (peripheral: string, layout: TrmLayout) => {
    const board = createBoard('esp32-devkitc');
    let fields = 0,
      resets = 0;
    for (const [name, { offset, fields: fs }] of Object.entries(layout)) {
      const at = locate(map, `${peripheral}.${name}`);
      expect([name, at.register.addressOffset]).toEqual([name, offset]);
      for (const [f, [bit, width]] of Object.entries(fs ?? {})) {
        const field = locate(map, `${peripheral}.${name}.${f}`).field!;
        expect([name, f, field.bitOffset, field.bitWidth]).toEqual([name, f, bit, width]);
        fields++;
      }
      const reset = at.register.resetValue;
      if (reset === undefined || NOT_READ_AT_RESET.has(`${peripheral}.${name}`) || registerAccess(at.register) === 'write-only') continue;
      expect([name, board.hal.load32(at.address)]).toEqual([name, reset]);
      resets++;
    }
    return { fields, resets };
  };

  it('I2C0 and I2C1 (esp32-i2c): offsets, fields, reset values', () => {
    const n = check('I2C0', ESP32_I2C_LAYOUT);
    expect(n.fields).toBeGreaterThan(20);
    expect(n.resets).toBeGreaterThan(10);
    check('I2C1', ESP32_I2C_LAYOUT);
  });

  it('SPI2 and SPI3 (esp32-spi): offsets, fields, reset values', () => {
    const n = check('SPI2', ESP32_SPI_LAYOUT);
    expect(n.fields).toBeGreaterThan(25);
    expect(n.resets).toBeGreaterThan(10);
    check('SPI3', ESP32_SPI_LAYOUT);
  });

  it('SENS.SAR_MEAS_START1 (esp32-adc): offset and fields', () => {
    expect(check('SENS', ESP32_ADC_LAYOUT).fields).toBe(6);
  });

  it('the board data puts each model at its SVD base address with its SVD interrupt', () => {
    const board = createBoard('esp32-devkitc');
    for (const name of ['I2C0', 'I2C1', 'SPI2', 'SPI3', 'SENS']) {
      const p = map.peripherals.find((x) => x.name === name)!;
      const spec = board.spec.peripherals.find((x) => x.name === name)!;
      expect([name, spec.base]).toEqual([name, p.baseAddress]);
      const svdIrqs = (p.interrupts ?? []).map((i) => i.value);
      for (const irq of Object.values(spec.irqs)) expect(svdIrqs).toContain(irq);
    }
  });
});
