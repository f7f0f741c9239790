// The reference's packed sensor sample (core.sys.bitfield, "Example — packed
// sensor sample"): a 16-bit sample of a 4-bit channel and a 12-bit value, once
// with the bit primitives exactly as the reference writes it, once as a packed
// bitfield type. Both give the same bits (test/examples/sensor.test.ts).
import { extractBits, insertBits } from '../../src/bitfield.js';
import { UInt16, UInt8, bits, defineBitfield } from '../../src/packed.js';

/** 16-bit packed sample: 4-bit channel | 12-bit value. */
export function packSample(channel: number, value: number): number {
  const raw = insertBits(0, channel, 0, 4);
  return insertBits(raw, value, 4, 12);
}

export function unpackSample(raw: number): [channel: number, value: number] {
  const channel = extractBits(raw, 0, 4);
  const value = extractBits(raw, 4, 12);
  return [channel, value];
}

/** The same layout as a packed type: fields from bit 0 up, little-endian bytes. */
export const Sample = defineBitfield('Sample', { channel: bits(4, UInt8), value: bits(12, UInt16) }, { endian: 'little' });
