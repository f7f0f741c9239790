// Firmware images for `vllsi emulate`: UF2 (blocks filtered by family) and ELF (its load
// segments at their physical addresses, its function symbols for fault reports), and the
// UF2 writer the test firmware's build uses.
import { hex } from '../src/errors.js';
import { FirmwareError, WrongFamily } from './errors.js';

/** Bytes at an address of the chip. */
export interface Segment {
  readonly address: number;
  readonly data: Uint8Array;
}

export interface FirmwareImage {
  readonly format: 'uf2' | 'elf';
  /** Sorted by address, non-overlapping. */
  readonly segments: readonly Segment[];
  readonly symbols: Symbols | undefined;
}

/** A memory the image may load into. */
export interface LoadRegion {
  readonly name: string;
  readonly base: number;
  readonly size: number;
}

export const RP2040_FAMILY = 0xe48bff56;
const UF2_MAGIC0 = 0x0a324655;
const UF2_MAGIC1 = 0x9e5d5157;
const UF2_MAGIC_END = 0x0ab16f30;
const UF2_NOT_MAIN_FLASH = 0x1;
const UF2_FILE_CONTAINER = 0x1000;
const UF2_FAMILY_PRESENT = 0x2000;
const UF2_BLOCK = 512;
const UF2_PAYLOAD = 256;

/** UF2 family IDs a user may meet (github.com/microsoft/uf2, utils/uf2families.json). */
const FAMILIES: Record<number, string> = {
  0xe48bff56: 'rp2040',
  0xe48bff57: 'rp2xxx-absolute',
  0xe48bff58: 'rp2xxx-data',
  0xe48bff59: 'rp2350-arm-s',
  0xe48bff5a: 'rp2350-riscv',
  0xe48bff5b: 'rp2350-arm-ns',
  0x1c5f21b0: 'esp32',
  0xbfdd4eee: 'esp32s2',
  0xd42ba06c: 'esp32c3',
  0xc47e5767: 'esp32s3',
  0x57755a57: 'stm32f4',
  0xada52840: 'nrf52840',
  0x68ed2b88: 'samd21',
  0x55114460: 'samd51',
};

const familyName = (id: number) => FAMILIES[id] ?? `family ${hex(id)}`;

/** Function symbols of an ELF: the one around an address. */
export class Symbols {
  private readonly starts: Uint32Array;
  constructor(private readonly entries: readonly { name: string; address: number; size: number }[]) {
    this.entries = [...entries].sort((a, b) => a.address - b.address);
    this.starts = Uint32Array.from(this.entries, (e) => e.address);
  }
  get size(): number {
    return this.entries.length;
  }
  /** `name+0xoff` for the function containing `address` (Thumb bit ignored), else undefined. */
  describe(address: number): string | undefined {
    const a = (address & ~1) >>> 0;
    let lo = 0;
    let hi = this.starts.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= a) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Several symbols may start at one address: any that still covers `a` will do.
    for (let i = best; i >= 0 && this.starts[i] === this.starts[best]; i--) {
      const e = this.entries[i]!;
      if (a < e.address + Math.max(e.size, 2)) return a === e.address ? e.name : `${e.name}+0x${(a - e.address).toString(16)}`;
    }
    return undefined;
  }
  /** The address of a function by name. */
  address(name: string): number | undefined {
    return this.entries.find((e) => e.name === name)?.address;
  }
}

/** Reads a UF2 or ELF image (told apart by content), checking it fits `regions`. */
export function parseFirmware(bytes: Uint8Array, file: string, regions: readonly LoadRegion[]): FirmwareImage {
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return parseElf(bytes, file, regions);
  if (bytes.length >= 8 && u32(bytes, 0) === UF2_MAGIC0 && u32(bytes, 4) === UF2_MAGIC1) return parseUf2(bytes, file, regions);
  throw new FirmwareError(file, bytes.length === 0 ? 'empty file' : 'neither a UF2 nor an ELF file');
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function placed(file: string, regions: readonly LoadRegion[], address: number, length: number): void {
  if (length === 0) return;
  if (!regions.some((r) => address >= r.base && address + length <= r.base + r.size)) {
    throw new FirmwareError(
      file,
      `${length} bytes at ${hex(address)} fall outside ${regions.map((r) => `${r.name} ${hex(r.base)}..${hex(r.base + r.size - 1)}`).join(', ')}`,
    );
  }
}

/** Joins chunks into sorted segments; an overlap with different bytes is an error. */
function merge(file: string, chunks: Segment[]): Segment[] {
  chunks.sort((a, b) => a.address - b.address);
  const out: { address: number; parts: Uint8Array[]; end: number }[] = [];
  for (const c of chunks) {
    const last = out.at(-1);
    if (last && c.address < last.end) throw new FirmwareError(file, `data at ${hex(c.address)} overlaps earlier data (up to ${hex(last.end - 1)})`);
    if (last && c.address === last.end) {
      last.parts.push(c.data);
      last.end += c.data.length;
    } else out.push({ address: c.address, parts: [c.data], end: c.address + c.data.length });
  }
  return out.map((s) => {
    const data = new Uint8Array(s.end - s.address);
    let at = 0;
    for (const p of s.parts) {
      data.set(p, at);
      at += p.length;
    }
    return { address: s.address, data };
  });
}

export function parseUf2(bytes: Uint8Array, file: string, regions: readonly LoadRegion[]): FirmwareImage {
  if (bytes.length % UF2_BLOCK !== 0) throw new FirmwareError(file, `UF2 size ${bytes.length} is not a multiple of ${UF2_BLOCK} bytes (truncated?)`);
  const chunks: Segment[] = [];
  const others = new Set<number>();
  for (let at = 0; at < bytes.length; at += UF2_BLOCK) {
    const n = at / UF2_BLOCK;
    if (u32(bytes, at) !== UF2_MAGIC0 || u32(bytes, at + 4) !== UF2_MAGIC1 || u32(bytes, at + UF2_BLOCK - 4) !== UF2_MAGIC_END) {
      throw new FirmwareError(file, `UF2 block ${n} has bad magic numbers`);
    }
    const flags = u32(bytes, at + 8);
    const address = u32(bytes, at + 12);
    const size = u32(bytes, at + 16);
    if (flags & (UF2_NOT_MAIN_FLASH | UF2_FILE_CONTAINER)) continue;
    if (flags & UF2_FAMILY_PRESENT) {
      const family = u32(bytes, at + 28);
      if (family !== RP2040_FAMILY) {
        others.add(family);
        continue;
      }
    }
    if (size > 476) throw new FirmwareError(file, `UF2 block ${n} claims ${size} payload bytes (at most 476)`);
    placed(file, regions, address, size);
    chunks.push({ address, data: bytes.slice(at + 32, at + 32 + size) });
  }
  if (chunks.length === 0) {
    if (others.size) throw new WrongFamily(file, [...others].map(familyName).join(', '), `${familyName(RP2040_FAMILY)} (UF2 family ${hex(RP2040_FAMILY)})`);
    throw new FirmwareError(file, 'UF2 file has no blocks for main flash');
  }
  return { format: 'uf2', segments: merge(file, chunks), symbols: undefined };
}

/** UF2 blocks of 256 payload bytes for the RP2040 family (what elf2uf2/picotool write). */
export function encodeUf2(segments: readonly Segment[], family = RP2040_FAMILY): Uint8Array {
  const blocks: { address: number; data: Uint8Array }[] = [];
  for (const s of segments) {
    for (let off = 0; off < s.data.length; off += UF2_PAYLOAD) blocks.push({ address: s.address + off, data: s.data.subarray(off, off + UF2_PAYLOAD) });
  }
  const out = new Uint8Array(blocks.length * UF2_BLOCK);
  const view = new DataView(out.buffer);
  blocks.forEach((b, i) => {
    const at = i * UF2_BLOCK;
    view.setUint32(at, UF2_MAGIC0, true);
    view.setUint32(at + 4, UF2_MAGIC1, true);
    view.setUint32(at + 8, UF2_FAMILY_PRESENT, true);
    view.setUint32(at + 12, b.address, true);
    view.setUint32(at + 16, UF2_PAYLOAD, true);
    view.setUint32(at + 20, i, true);
    view.setUint32(at + 24, blocks.length, true);
    view.setUint32(at + 28, family, true);
    out.set(b.data, at + 32);
    view.setUint32(at + UF2_BLOCK - 4, UF2_MAGIC_END, true);
  });
  return out;
}

const EM_NAMES: Record<number, string> = { 3: 'x86', 8: 'MIPS', 62: 'x86-64', 94: 'Xtensa (ESP32)', 183: 'AArch64', 243: 'RISC-V' };
const EM_ARM = 40;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const STT_FUNC = 2;

export function parseElf(bytes: Uint8Array, file: string, regions: readonly LoadRegion[]): FirmwareImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string) => {
    if (end > bytes.length) throw new FirmwareError(file, `ELF truncated: ${what} lies past the end of the file (${bytes.length} bytes)`);
  };
  need(52, 'the header');
  if (bytes[4] !== 1 || bytes[5] !== 1) {
    const machine = bytes[5] === 1 && bytes.length >= 20 ? view.getUint16(18, true) : -1;
    throw new WrongFamily(
      file,
      bytes[4] === 2 ? `a 64-bit ${EM_NAMES[machine] ?? 'machine'}` : 'a big-endian or unknown ELF class',
      'the RP2040 (32-bit little-endian ARM)',
    );
  }
  const machine = view.getUint16(18, true);
  if (machine !== EM_ARM) throw new WrongFamily(file, EM_NAMES[machine] ?? `ELF machine ${machine}`, 'the RP2040 (ARM Cortex-M0+)');
  const phoff = view.getUint32(28, true);
  const shoff = view.getUint32(32, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  need(phoff + phnum * phentsize, 'the program headers');
  const chunks: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const paddr = view.getUint32(at + 12, true);
    const filesz = view.getUint32(at + 16, true);
    if (filesz === 0) continue;
    need(offset + filesz, `segment ${i}`);
    placed(file, regions, paddr, filesz);
    chunks.push({ address: paddr, data: bytes.slice(offset, offset + filesz) });
  }
  if (chunks.length === 0) throw new FirmwareError(file, 'ELF has no loadable segments');
  return { format: 'elf', segments: merge(file, chunks), symbols: shnum ? elfSymbols(bytes, view, shoff, shentsize, shnum, need) : undefined };
}

function elfSymbols(
  bytes: Uint8Array,
  view: DataView,
  shoff: number,
  shentsize: number,
  shnum: number,
  need: (end: number, what: string) => void,
): Symbols | undefined {
  need(shoff + shnum * shentsize, 'the section headers');
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (view.getUint32(sh + 4, true) !== SHT_SYMTAB) continue;
    const off = view.getUint32(sh + 16, true);
    const size = view.getUint32(sh + 20, true);
    const link = view.getUint32(sh + 24, true);
    const entsize = view.getUint32(sh + 36, true) || 16;
    const str = shoff + link * shentsize;
    need(str + shentsize, 'the symbol string table header');
    const strOff = view.getUint32(str + 16, true);
    const strSize = view.getUint32(str + 20, true);
    need(off + size, 'the symbol table');
    need(strOff + strSize, 'the symbol string table');
    const entries: { name: string; address: number; size: number }[] = [];
    for (let at = off; at + entsize <= off + size; at += entsize) {
      if ((bytes[at + 12]! & 0xf) !== STT_FUNC) continue;
      const nameAt = strOff + view.getUint32(at, true);
      let end = nameAt;
      while (end < strOff + strSize && bytes[end] !== 0) end++;
      const name = new TextDecoder().decode(bytes.subarray(nameAt, end));
      if (name) entries.push({ name, address: view.getUint32(at + 4, true) & ~1, size: view.getUint32(at + 8, true) });
    }
    return new Symbols(entries);
  }
  return undefined;
}
