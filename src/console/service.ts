// The device-side console service: register inspection over a serial line
// (protocol.ts describes the wire format). It is fed received bytes and answers through
// `send`; it never throws out of `receive` — every line gets exactly one answer, and a line
// that cannot be handled gets `ERR CODE message` (or an error frame for machine requests).
// Both dialects parse into one Request (protocol.ts, beside the framing); one executor runs it
// and one renderer puts its answer, or its error, into the dialect it came in.
//
// Pacing: `receive(bytes, room)` stops after the first line that leaves `room()` false, so a
// transport answers lines only as fast as its output drains (run it outside the UART ISR:
// examples/console, serial.ts).
//
// Sessions: a session ends with END_OF_SESSION (the TCP bridge sends it when its client
// leaves) or endSession(); ending re-locks writes and drops the partial line. Failed unlocks
// back off exponentially and lock unlocking out after UNLOCK_MAX_FAILURES until the board
// restarts; that count belongs to the board, not to a session.
//
// Safety: writes are refused until the session is unlocked with the board's token and pass
// the permission hook (on the register each access acts on); registers whose read has a side effect (FIFO pops, clear-on-read) are
// read only when the request says so (`read!`, `peek!`, `dump!`, machine `:R`/`:M`).
import type { Hal } from '../hal.js';
import { VllsiError, hex } from '../errors.js';
import { volatileLoad, volatileStore } from '../mmio.js';
import { PermissionDenied, isPermitted } from '../permissions.js';
import {
  ConsoleError,
  END_OF_SESSION,
  ErrorCode,
  FrameType,
  MAX_LINE,
  UNLOCK_BACKOFF_MS,
  UNLOCK_MAX_FAILURES,
  asciiEncode,
  encodeFrame,
  parseRequest,
  requestSeq,
  type ErrorName,
  type Request,
  type Width,
} from './protocol.js';
import {
  RegisterMapError,
  enumName,
  fieldValue,
  fieldWrite,
  findPeripheral,
  locate,
  parseFieldValue,
  parseInteger,
  readHasSideEffects,
  registerAccess,
  registersTouched,
  type DeviceMap,
} from '../register_map.js';
import { isReadable, isWritable, type RegisterMap } from '../register_def.js';

/** The bus the console reads and writes: the HAL's loads and stores. */
export type ConsoleBus = Pick<Hal, 'load8' | 'load16' | 'load32' | 'store8' | 'store16' | 'store32'>;

/** The one bus path (src/bus.ts through volatileLoad/volatileStore): the bound HAL, behind the register permission gate. */
export const mmioBus: ConsoleBus = {
  load8: (a) => volatileLoad(a, 8),
  load16: (a) => volatileLoad(a, 16),
  load32: (a) => volatileLoad(a, 32),
  store8: (a, v) => volatileStore(a, v, 8),
  store16: (a, v) => volatileStore(a, v, 16),
  store32: (a, v) => volatileStore(a, v, 32),
};

export interface ConsoleOptions {
  /** Default: mmioBus (the bound HAL through the permission gate). */
  readonly bus?: ConsoleBus;
  /** Transmits bytes to the host. */
  readonly send: (bytes: Uint8Array) => void;
  /** The board's register map; without one, only peek/poke and raw machine requests work. */
  readonly map?: DeviceMap;
  readonly board: string;
  readonly runtime?: string;
  /** Milliseconds since boot. */
  readonly uptimeMs: () => number;
  /** The board's configured unlock token; without one, writes stay refused. */
  readonly unlockToken?: string;
  /** Called when a session ends: the transport drops the answers it still queues for it. */
  readonly onSessionEnd?: () => void;
}

/** Counters a heartbeat or a test can watch. */
export interface ConsoleStats {
  lines: number;
  errors: number;
  overlong: number;
  sessions: number;
  /** Answers lost because `send` threw. */
  sendFailures: number;
}

/** What a request yields before it is put into its dialect. */
type Answer =
  | { readonly kind: 'text'; readonly lines: readonly string[] }
  | { readonly kind: 'values'; readonly width: Width; readonly addresses: readonly number[]; readonly values: readonly number[] }
  | { readonly kind: 'error'; readonly code: ErrorName; readonly message: string };

const OK: Answer = { kind: 'text', lines: [] };

const HELP = [
  'help                      this text',
  'info                      board, runtime, uptime, register map',
  'peek ADDR [COUNT] [8|16|32]   read memory (peek! also reads registers with read side effects)',
  'poke ADDR VALUE [8|16|32]     write memory (needs unlock)',
  'read P.R                  a register and its fields (read! for side-effect registers)',
  'write P.R[.F] VALUE       write a register, or a field by read-modify-write (needs unlock)',
  'dump P                    every readable register of a peripheral (dump! includes side-effect ones)',
  'unlock TOKEN / lock       allow / forbid writes for this session',
  ':r|:R SEQ W ADDR COUNT    machine: COUNT consecutive W-bit values (:R allows side effects)',
  ':m|:M SEQ W BASE BITMAP   machine: values at BASE + i*W/8 for each set bit i of BITMAP (hex, bit 0 last)',
  ':w SEQ W ADDR=VAL[,...]   machine: writes (needs unlock)',
];

export class ConsoleService {
  readonly stats: ConsoleStats = { lines: 0, errors: 0, overlong: 0, sessions: 0, sendFailures: 0 };
  private readonly line = new Uint8Array(MAX_LINE);
  private length = 0;
  private overflow = false;
  private lastWasCR = false;
  private unlocked = false;
  private failedUnlocks = 0;
  private unlockNotBefore = 0;

  constructor(private readonly options: ConsoleOptions) {}

  /**
   * Feeds received bytes; answers each complete line. Never throws. With `room`, stops after
   * the first line end at which `room()` is false (the answers queued so far fill the
   * transport) and returns how many bytes it took; feed the rest later. Without, takes all.
   */
  receive(bytes: Uint8Array, room?: () => boolean): number {
    if (!(bytes instanceof Uint8Array)) {
      this.stats.errors++;
      return 0;
    }
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === END_OF_SESSION) {
        this.endSession();
        continue;
      }
      if (b === 0x0a && this.lastWasCR) {
        this.lastWasCR = false;
        continue;
      }
      this.lastWasCR = b === 0x0d;
      if (b === 0x0a || b === 0x0d) {
        this.endLine();
        if (room !== undefined && i + 1 < bytes.length && !room()) return i + 1;
        continue;
      }
      if (this.length < MAX_LINE) this.line[this.length++] = b;
      else this.overflow = true;
    }
    return bytes.length;
  }

  /** Ends the session: writes locked again, the partial line dropped. The unlock backoff stays. */
  endSession(): void {
    this.unlocked = false;
    this.length = 0;
    this.overflow = false;
    this.lastWasCR = false;
    this.stats.sessions++;
    try {
      this.options.onSessionEnd?.();
    } catch {
      this.stats.errors++;
    }
  }

  private endLine(): void {
    this.stats.lines++;
    const overflow = this.overflow;
    const bytes = this.line.subarray(0, this.length);
    this.length = 0;
    this.overflow = false;
    const framed = bytes[0] === 0x3a; // ':'
    let text = '';
    let answer: Answer;
    try {
      if (overflow) {
        this.stats.overlong++;
        throw new ConsoleError('TOOLONG', `line longer than ${MAX_LINE} bytes: discarded`);
      }
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (b < 0x20 || b > 0x7e) throw new ConsoleError('SYNTAX', `non-printable byte 0x${b.toString(16).padStart(2, '0')} at column ${i + 1}`);
        text += String.fromCharCode(b);
      }
      answer = this.execute(parseRequest(text).request);
    } catch (e) {
      this.stats.errors++;
      const code: ErrorName =
        e instanceof ConsoleError || e instanceof RegisterMapError
          ? e.code
          : e instanceof PermissionDenied
            ? 'DENIED'
            : e instanceof VllsiError
              ? 'BUS'
              : 'INTERNAL';
      answer = { kind: 'error', code, message: e instanceof Error ? e.message : String(e) };
    }
    this.answer(framed, framed ? requestSeq(text) : 0, answer);
  }

  /** Puts an answer into the request's dialect: text lines ending in OK (or one ERR line), or one frame. */
  private answer(framed: boolean, seq: number, a: Answer): void {
    if (!framed) {
      if (a.kind === 'error') return this.text([`ERR ${a.code} ${a.message}`]);
      if (a.kind === 'text') return this.text([...a.lines, 'OK']);
      const digits = a.width / 4;
      return this.text([...a.addresses.map((addr, i) => `${hex(addr)}: ${hex(a.values[i]!, digits)}`), 'OK']);
    }
    if (a.kind === 'error') return this.send(encodeFrame(FrameType.Error, seq, errorPayload(a.code, a.message)));
    if (a.kind === 'text') return this.send(encodeFrame(FrameType.Ok, seq, new Uint8Array(0)));
    const step = a.width / 8;
    const payload = new Uint8Array(a.values.length * step);
    for (let i = 0; i < a.values.length; i++) {
      let v = a.values[i]!;
      for (let b = 0; b < step; b++) {
        payload[i * step + b] = v & 0xff;
        v >>>= 8;
      }
    }
    this.send(encodeFrame(FrameType.Values, seq, payload));
  }

  /** The one executor: both dialects' requests run here. */
  private execute(r: Request): Answer {
    switch (r.op) {
      case 'nop':
      case 'help':
        return { kind: 'text', lines: r.op === 'help' ? HELP : [] };
      case 'info':
        return this.info();
      case 'lock':
        this.unlocked = false;
        return OK;
      case 'unlock':
        return this.unlock(r.token);
      case 'load':
        this.checkReads(r.addresses, r.width, r.force);
        return { kind: 'values', width: r.width, addresses: r.addresses, values: r.addresses.map((a) => this.load(a, r.width)) };
      case 'store':
        // Every target checked before the first store, so a refused multi-register write writes nothing.
        for (const [address] of r.writes) this.checkWrite(address, r.width);
        for (const [address, value] of r.writes) this.store(address, value, r.width);
        return OK;
      case 'read':
        return this.read(r.path, r.force);
      case 'write':
        return this.write(r.path, r.value);
      case 'dump':
        return this.dump(r.peripheral, r.force);
    }
  }

  private send(bytes: Uint8Array): void {
    try {
      this.options.send(bytes);
    } catch {
      this.stats.sendFailures++;
    }
  }

  private text(lines: readonly string[]): void {
    this.send(asciiEncode(lines.join('\n') + '\n'));
  }

  private info(): Answer {
    const o = this.options;
    const map = o.map ? `${o.map.device} (${o.map.peripherals.length} peripherals)` : 'none';
    const writes =
      o.unlockToken === undefined
        ? 'disabled (no token configured)'
        : this.failedUnlocks >= UNLOCK_MAX_FAILURES
          ? 'locked out (too many failed unlocks: restart the board)'
          : this.unlocked
            ? 'unlocked'
            : 'locked';
    return {
      kind: 'text',
      lines: [`board ${o.board}`, `runtime ${o.runtime ?? 'vllsi'}`, `uptime ${(o.uptimeMs() / 1000).toFixed(3)} s`, `map ${map}`, `writes ${writes}`],
    };
  }

  private read(path: string, force: boolean): Answer {
    const at = locate(this.requireMap(), path);
    if (at.field) throw new ConsoleError('SYNTAX', 'read takes P.R (the answer lists every field)');
    const width = at.register.size as Width;
    this.checkReads([at.address], width, force);
    return { kind: 'text', lines: describeRegister(at.peripheral.name, at.register, at.address, this.load(at.address, width)) };
  }

  private write(path: string, text: string): Answer {
    const at = locate(this.requireMap(), path);
    const r = at.register;
    const width = r.size as Width;
    this.checkWrite(at.address, width);
    if (!at.field) {
      if (!isWritable(registerAccess(r))) throw new ConsoleError('RO', `${at.peripheral.name}.${r.name} is read-only`);
      const value = parseInteger(text);
      if (value === undefined || (width < 32 && value >= 2 ** width))
        throw new ConsoleError(value === undefined ? 'SYNTAX' : 'RANGE', `bad value '${text.slice(0, 20)}' for a ${width}-bit register`);
      this.store(at.address, value, width);
      return OK;
    }
    const value = parseFieldValue(at.field, text);
    // Validates without reading first (a refused write touches nothing), then reads and writes.
    fieldWrite(r, at.field, 0, value);
    const current = at.field.bitWidth >= r.size ? 0 : this.load(at.address, width);
    this.store(at.address, fieldWrite(r, at.field, current, value), width);
    return OK;
  }

  /** Every register of P; one that cannot be read (write-only, side effects, bus fault) is marked and skipped. */
  private dump(name: string, force: boolean): Answer {
    const p = findPeripheral(this.requireMap(), name);
    const lines: string[] = [];
    for (const r of p.registers) {
      const address = (p.baseAddress + r.addressOffset) >>> 0;
      const label = `${`${p.name}.${r.name}`.padEnd(24)} ${hex(address)}`;
      if (!isReadable(registerAccess(r))) lines.push(`${label} (write-only)`);
      else if (readHasSideEffects(r) && !force) lines.push(`${label} (read has side effects: dump!)`);
      else {
        try {
          lines.push(`${label} = ${hex(this.load(address, r.size as Width), r.size / 4)}`);
        } catch (e) {
          if (!(e instanceof VllsiError)) throw e;
          lines.push(`${label} (${e instanceof PermissionDenied ? 'denied' : 'bus fault'})`);
        }
      }
    }
    return { kind: 'text', lines };
  }

  private unlock(token: string): Answer {
    const expected = this.options.unlockToken;
    if (expected === undefined) throw new ConsoleError('LOCKED', 'this board has no unlock token configured: writes are disabled');
    if (this.failedUnlocks >= UNLOCK_MAX_FAILURES)
      throw new ConsoleError('TOKEN', `unlocking is locked out after ${UNLOCK_MAX_FAILURES} failed unlocks: restart the board`);
    const now = this.options.uptimeMs();
    if (now < this.unlockNotBefore) throw new ConsoleError('TOKEN', `too soon after a failed unlock: wait ${Math.ceil(this.unlockNotBefore - now)} ms`);
    if (!sameText(token, expected)) {
      this.unlocked = false;
      this.failedUnlocks++;
      this.unlockNotBefore = now + UNLOCK_BACKOFF_MS * 2 ** (this.failedUnlocks - 1);
      throw new ConsoleError(
        'TOKEN',
        this.failedUnlocks >= UNLOCK_MAX_FAILURES ? `wrong unlock token: locked out after ${UNLOCK_MAX_FAILURES} failures` : 'wrong unlock token',
      );
    }
    this.failedUnlocks = 0;
    this.unlocked = true;
    return OK;
  }

  // --- Checks and bus access ----------------------------------------------------------------

  private requireMap(): DeviceMap {
    if (!this.options.map) throw new ConsoleError('NOMAP', 'this board has no register map: use peek/poke');
    return this.options.map;
  }

  /**
   * Refuses reads of write-only registers and, unless forced, of registers with read side
   * effects: every register a read acts on (part of one, or one behind an RP2040 alias).
   */
  private checkReads(addresses: readonly number[], width: Width, force: boolean): void {
    const map = this.options.map;
    if (!map) return;
    for (const a of addresses) {
      for (const at of registersTouched(map, a, width / 8)) {
        const name = `${at.peripheral.name}.${at.register.name} (${hex(at.address)})`;
        if (!isReadable(registerAccess(at.register))) throw new ConsoleError('WO', `${name} is write-only (read at ${hex(a)})`);
        if (!force && readHasSideEffects(at.register)) throw new ConsoleError('SIDEFX', `reading ${name} has side effects: ask explicitly (read at ${hex(a)})`);
      }
    }
  }

  private checkWrite(address: number, width: Width): void {
    if (this.options.unlockToken === undefined) throw new ConsoleError('LOCKED', 'writes are disabled: this board has no unlock token configured');
    if (!this.unlocked) throw new ConsoleError('LOCKED', 'writes are locked: send unlock TOKEN first');
    const targets = [address];
    if (this.options.map) for (const at of registersTouched(this.options.map, address, width / 8)) targets.push(at.address);
    for (const a of targets) {
      if (!isPermitted('register', a)) throw new ConsoleError('DENIED', `write of ${hex(a)} refused by the permission policy`);
    }
  }

  private load(address: number, width: Width): number {
    const bus = this.options.bus ?? mmioBus;
    return width === 32 ? bus.load32(address) : width === 16 ? bus.load16(address) : bus.load8(address);
  }

  private store(address: number, value: number, width: Width): void {
    const bus = this.options.bus ?? mmioBus;
    if (width === 32) bus.store32(address, value);
    else if (width === 16) bus.store16(address, value);
    else bus.store8(address, value);
  }
}

/** A register's value and every field decoded, as text lines. */
export function describeRegister(peripheral: string, r: RegisterMap, address: number, value: number): string[] {
  const access = registerAccess(r);
  const lines = [`${peripheral}.${r.name} ${hex(address)} = ${hex(value, r.size / 4)} (${access}, reset ${hex(r.resetValue, r.size / 4)})`];
  for (const f of r.fields) {
    const v = fieldValue(f, value);
    const bits = f.bitWidth === 1 ? `[${f.bitOffset}]` : `[${f.bitOffset + f.bitWidth - 1}:${f.bitOffset}]`;
    const name = enumName(f, v);
    lines.push(`  ${(f.name + bits).padEnd(24)} = ${hex(v, 0)}${name !== undefined ? ` ${name}` : ''}${f.access !== access ? ` (${f.access})` : ''}`);
  }
  return lines;
}

function errorPayload(code: ErrorName, message: string): Uint8Array {
  const text = asciiEncode(message);
  const out = new Uint8Array(text.length + 1);
  out[0] = ErrorCode[code];
  out.set(text, 1);
  return out;
}

/** Compares without an early exit, so the time taken does not reveal the matching prefix. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % Math.max(a.length, 1)) ^ b.charCodeAt(i)) | 0;
  return diff === 0;
}
