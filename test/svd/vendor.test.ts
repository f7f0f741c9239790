// Conformance run against the real vendor SVD files in ../shared/svd (not in a fresh clone:
// the whole suite is skipped, with a message saying so, when that folder is absent).
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { sharedOrSkip } from './shared.js';
import { importSvd } from '../../tools/svd/import.js';
import { mapToJson } from '../../tools/svd/write.js';
import { applyPatch, readPatch } from '../../tools/svd/patch.js';
import { enumName, locate, readHasSideEffects, unpackMap, type DeviceMap } from '../../src/register_map.js';

const svdDir = sharedOrSkip('svd', 'vendor SVD conformance');
const dir = pathToFileURL(`${svdDir}/`);
const present = svdDir !== undefined && existsSync(new URL('RP2040.svd', dir));

const cache = new Map<string, DeviceMap>();
const esp32Patch = () => readPatch(readFileSync(new URL('../../tools/svd/patches/esp32.json', import.meta.url), 'utf8'), 'esp32.json');
const load = (name: string) => {
  if (!cache.has(name)) cache.set(name, importSvd(readFileSync(new URL(name, dir), 'utf8')));
  return cache.get(name)!;
};

describe.skipIf(!present)('vendor SVD: RP2040 (pico-sdk 2.2.0)', () => {
  it('SIO.GPIO_OUT is at 0xd0000010, GPIO_OUT_SET at 0xd0000014', () => {
    const m = load('RP2040.svd');
    expect(locate(m, 'SIO.GPIO_OUT').address).toBe(0xd0000010);
    expect(locate(m, 'SIO.GPIO_OUT_SET').address).toBe(0xd0000014);
    expect(locate(m, 'SIO.GPIO_OUT.GPIO_OUT').field).toMatchObject({ bitOffset: 0, bitWidth: 30 });
  });

  it('UART0.UARTCR: address, reset value and fields', () => {
    const m = load('RP2040.svd');
    const cr = locate(m, 'UART0.UARTCR');
    expect(cr.address).toBe(0x40034030);
    expect(cr.register.resetValue).toBe(0x300);
    const f = Object.fromEntries(cr.register.fields.map((x) => [x.name, [x.bitOffset, x.bitWidth]]));
    expect(f).toMatchObject({ UARTEN: [0, 1], LBE: [7, 1], TXE: [8, 1], RXE: [9, 1], RTSEN: [14, 1], CTSEN: [15, 1] });
  });

  it('UART1 derives from UART0 at 0x40038000; reading UARTDR has a side effect', () => {
    const m = load('RP2040.svd');
    expect(m.peripherals.find((p) => p.name === 'UART1')!.derivedFrom).toBe('UART0');
    expect(locate(m, 'UART1.UARTCR').address).toBe(0x40038030);
    expect(readHasSideEffects(locate(m, 'UART0.UARTDR').register)).toBe(true);
    expect(readHasSideEffects(locate(m, 'UART0.UARTCR').register)).toBe(false);
  });

  it('IO_BANK0.GPIO25_CTRL.FUNCSEL has enumerated values (5 = sio_25)', () => {
    const m = load('RP2040.svd');
    const l = locate(m, 'IO_BANK0.GPIO25_CTRL.FUNCSEL');
    expect(l.address).toBe(0x400140cc);
    expect(enumName(l.field!, 5)).toBe('sio_25');
  });

  it('write-1-to-clear registers are marked (e.g. TIMER.INTR)', () => {
    const m = load('RP2040.svd');
    expect(locate(m, 'TIMER.INTR.ALARM_0').field!.modifiedWriteValues).toBe('oneToClear');
  });
});

describe.skipIf(!present)('vendor SVD: ESP32 and ESP32-C3 (espressif/svd)', () => {
  it('ESP32 UART0/2 and GPIO registers', () => {
    const m = load('esp32.svd');
    expect(locate(m, 'UART0.FIFO').address).toBe(0x3ff40000);
    expect(locate(m, 'UART2.CONF0').address).toBe(0x3ff6e020);
    expect(locate(m, 'UART0.CLKDIV.CLKDIV').field).toMatchObject({ bitOffset: 0, bitWidth: 20 });
    expect(locate(m, 'GPIO.OUT_W1TS').address).toBe(0x3ff44008);
    expect(locate(m, 'GPIO.ENABLE').address).toBe(0x3ff44020);
  });

  it('ESP32 dim lists expand (AES.KEY[0..7], GPIO.PIN0..39)', () => {
    const m = load('esp32.svd');
    expect(locate(m, 'AES.KEY[7]').address).toBe(0x3ff01000 + 0x10 + 7 * 4);
    expect(locate(m, 'GPIO.PIN39').address - locate(m, 'GPIO.PIN0').address).toBe(39 * 4);
  });

  it('ESP32-C3 GPIO and UART', () => {
    const m = load('esp32c3.svd');
    expect(locate(m, 'GPIO.OUT').address).toBe(0x60004004);
    expect(locate(m, 'UART1.FIFO').address).toBe(0x60010000);
    expect(locate(m, 'UART0.INT_CLR.RXFIFO_FULL_INT_CLR').field!.access).toBe('write-only');
  });

  it.each(['RP2040.svd', 'esp32.svd', 'esp32c3.svd'])('%s: the compact JSON reads back to the same map', (name) => {
    const m = load(name);
    expect(unpackMap(JSON.parse(mapToJson(m)))).toEqual(m);
  });

  it('the committed board maps are what the importer makes of the vendor files', () => {
    for (const [svd, board] of [
      ['RP2040.svd', 'rpi-pico'],
      ['esp32.svd', 'esp32-devkitc'],
    ] as const) {
      const committed = unpackMap(JSON.parse(readFileSync(new URL(`../../boards/${board}/registers.json`, import.meta.url), 'utf8')));
      // The ESP32 map carries the TRM's corrections (docs/svd.md: tools/svd/patches/esp32.json).
      const vendor = board === 'esp32-devkitc' ? applyPatch(load(svd), esp32Patch()) : load(svd);
      expect({ ...committed, source: undefined }).toEqual({ ...vendor, source: undefined });
    }
  });
});
