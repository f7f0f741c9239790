// `vllsi inspect`: read, write, dump, watch, snapshot and diff a device's registers over its
// serial console (the console service of src/console), decoded with the board's register map.
import { UsageError, parseCommandArgs, type Command } from '../command.js';
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
  registerAt,
  type DeviceMap,
  type FieldMap,
  type Located,
  type PeripheralMap,
  type RegisterMap,
} from '../../src/register_map.js';
import { isReadable, isWritable } from '../../src/register_def.js';
import { ConsoleClient } from '../inspect/client.js';
import { loadMap } from '../inspect/maps.js';
import { readToken } from '../inspect/token.js';
import { readText, writeText } from '../files.js';
import { didYouMean } from '../../src/suggest.js';
import { hex } from '../../src/errors.js';

const help = `usage: vllsi inspect [--port PORT] [--baud 115200] [--board NAME | --svd FILE] [--json] COMMAND

Inspects a device's registers over its serial console (the firmware runs src/console).
PORT is a serial device (/dev/ttyACM0, COM3) or tcp://HOST:PORT (vllsi sim --console tcp:PORT).

commands:
  list                       peripherals of the map (no device needed)
  read P.R | read ADDR       raw value, every field decoded, enumerated names, access, reset value
  write P.R=V | P.R.F=V      write a register, or a field by read-modify-write (refuses read-only
                             fields, keeps write-1-to-clear flags, refuses fields of write-only
                             registers); V may be an enumerated name. Needs the token.
  dump P                     the whole peripheral in one bulk round trip (table, or --json)
  watch P.R [--interval MS]  prints each change with a timestamp until interrupted
  snapshot -o FILE [P,...]   every readable register (of the listed peripherals) to a JSON file
  diff A B                   two snapshots, register by register and field by field (no device)

options:
  --board NAME      register map of a board (default rpi-pico); --svd FILE imports one instead
  --token-file FILE the board's console unlock token for writes (vllsi sim --console prints
                    it and writes it with --token-file); else $VLLSI_CONSOLE_TOKEN, else a
                    prompt on the terminal. The token is never taken on the command line.
  --force           also read registers whose read has side effects (FIFOs, clear-on-read)
  --timeout MS      per-request timeout (default 1500, plus the answer's wire time)
  --json            machine-readable output
  --count N         watch: stop after N changes`;

type Width = 8 | 16 | 32;

interface Ctx {
  map: DeviceMap;
  json: boolean;
  color: boolean;
  force: boolean;
  out: (s: string) => void;
  connect(): Promise<ConsoleClient>;
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'inspect and change device registers over the serial console',
  help,
  async run(args) {
    const { values: v, positionals } = parseCommandArgs(args, {
      port: { type: 'string' },
      baud: { type: 'string', default: '115200' },
      board: { type: 'string' },
      svd: { type: 'string' },
      json: { type: 'boolean', default: false },
      'token-file': { type: 'string' },
      force: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '1500' },
      interval: { type: 'string', default: '200' },
      count: { type: 'string' },
      out: { type: 'string', short: 'o' },
    });
    const [sub, ...rest] = positionals;
    if (sub === undefined) throw new UsageError('no command given');
    if (v.board !== undefined && v.svd !== undefined) throw new UsageError('--board and --svd exclude each other');
    const baud = positive(v.baud!, '--baud');
    const timeoutMs = positive(v.timeout!, '--timeout');
    const map = loadMap({ board: v.board, svd: v.svd });
    const ctx: Ctx = {
      map,
      json: v.json!,
      color: !v.json && process.stdout.isTTY === true && !process.env.NO_COLOR,
      force: v.force!,
      out: (s) => console.log(s),
      async connect() {
        if (v.port === undefined) throw new UsageError(`'${sub}' talks to a device: give --port PORT`);
        return ConsoleClient.connect(v.port, { baud, timeoutMs });
      },
    };
    const one = (what: string) => {
      if (rest.length !== 1) throw new UsageError(`${sub} takes ${what}`);
      return rest[0]!;
    };
    switch (sub) {
      case 'list':
        return list(ctx);
      case 'read': {
        const at = target(ctx.map, one('P.R or ADDR'));
        checkReadable(ctx, at); // before connecting: a refused read sends nothing
        return withClient(ctx, (c) => read(ctx, c, at));
      }
      case 'write': {
        const plan = planWrite(ctx, one('P.R=VALUE or P.R.F=VALUE')); // refused before the token is asked for
        const token = await readToken(v['token-file']);
        return withClient(ctx, (c) => write(ctx, c, plan, token));
      }
      case 'dump': {
        const p = findPeripheral(ctx.map, one('a peripheral'));
        return withClient(ctx, (c) => dump(ctx, c, p));
      }
      case 'watch': {
        const at = target(ctx.map, one('P.R'));
        checkReadable(ctx, at);
        const count = v.count !== undefined ? positive(v.count, '--count') : Infinity;
        return withClient(ctx, (c) => watch(ctx, c, at, positive(v.interval!, '--interval'), count));
      }
      case 'snapshot': {
        if (v.out === undefined) throw new UsageError('snapshot needs -o FILE');
        if (rest.length > 1) throw new UsageError('snapshot takes at most one list of peripherals (P1,P2)');
        const names = rest[0]?.split(',').filter(Boolean);
        return withClient(ctx, (c) => snapshot(ctx, c, v.out!, names));
      }
      case 'diff':
        if (rest.length !== 2) throw new UsageError('diff takes two snapshot files');
        return diff(ctx, rest[0]!, rest[1]!);
      default:
        throw new UsageError(`unknown command '${sub}'${didYouMean(sub, ['list', 'read', 'write', 'dump', 'watch', 'snapshot', 'diff'])}`);
    }
  },
};

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${what} must be a positive integer, got '${text}'`);
  return n;
}

async function withClient(ctx: Ctx, fn: (c: ConsoleClient) => Promise<number>): Promise<number> {
  const client = await ctx.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

// --- Output helpers ---------------------------------------------------------------------

function paint(ctx: Ctx, code: number, text: string): string {
  return ctx.color ? `\x1b[${code}m${text}\x1b[0m` : text;
}
const bitsOf = (f: FieldMap) => (f.bitWidth === 1 ? `[${f.bitOffset}]` : `[${f.bitOffset + f.bitWidth - 1}:${f.bitOffset}]`);

function decodeFields(r: RegisterMap, value: number) {
  return r.fields.map((f) => ({
    name: f.name,
    bits: bitsOf(f),
    value: fieldValue(f, value),
    enum: enumName(f, fieldValue(f, value)),
    access: f.access,
    modifiedWriteValues: f.modifiedWriteValues,
    readAction: f.readAction,
  }));
}

/** A progress bar on stderr for long operations, only on a terminal. */
function progress(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  return (done, total) => {
    const width = 30;
    const full = Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(full)}${' '.repeat(width - full)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

// --- Commands --------------------------------------------------------------------------

function list(ctx: Ctx): number {
  const rows = ctx.map.peripherals.map((p) => ({
    name: p.name,
    base: p.baseAddress,
    registers: p.registers.length,
    group: p.groupName,
    derivedFrom: p.derivedFrom,
  }));
  if (ctx.json) ctx.out(JSON.stringify({ device: ctx.map.device, peripherals: rows }, null, 2));
  else {
    ctx.out(`${ctx.map.device}: ${rows.length} peripherals`);
    for (const r of rows)
      ctx.out(
        `  ${paint(ctx, 1, r.name.padEnd(16))} ${hex(r.base, 8)}  ${String(r.registers).padStart(4)} registers${r.derivedFrom ? `  (like ${r.derivedFrom})` : ''}`,
      );
  }
  return 0;
}

/** `P.R` or an address inside the map; anything else is a clear error. */
function target(map: DeviceMap, text: string): Located {
  const address = parseInteger(text);
  if (address === undefined) return locate(map, text);
  const at = registerAt(map, address);
  if (at) return at;
  // Inside a register but not at its start: registers are read whole, at their own address.
  for (const p of map.peripherals) {
    for (const r of p.registers) {
      const start = (p.baseAddress + r.addressOffset) >>> 0;
      if (address > start && address < start + r.size / 8) {
        throw new RegisterMapError(
          `address ${hex(address, 8)} is not aligned: it is byte ${address - start} of ${p.name}.${r.name} (${r.size}-bit): read ${hex(start, 8)} or ${p.name}.${r.name}`,
          'RANGE',
        );
      }
    }
  }
  throw new RegisterMapError(
    `address ${hex(address, 8)} is outside the ${map.device} register map (no register there): \`vllsi inspect list\` shows the peripherals`,
  );
}

function checkReadable(ctx: Ctx, at: Located): void {
  const r = at.register;
  if (!isReadable(registerAccess(r))) throw new RegisterMapError(`${at.peripheral.name}.${r.name} is ${registerAccess(r)}: it cannot be read`, 'WO');
  if (readHasSideEffects(r) && !ctx.force)
    throw new RegisterMapError(
      `reading ${at.peripheral.name}.${r.name} has side effects (${r.readAction ?? "a field's readAction"}): add --force to read it anyway`,
      'SIDEFX',
    );
}

async function readOne(ctx: Ctx, c: ConsoleClient, at: Located): Promise<number> {
  checkReadable(ctx, at);
  const r = at.register;
  const values = await c.readValues(r.size as Width, [at.address], ctx.force);
  return values.get(at.address)!;
}

async function read(ctx: Ctx, c: ConsoleClient, at: Located): Promise<number> {
  const r = at.register;
  const value = await readOne(ctx, c, at);
  const name = `${at.peripheral.name}.${r.name}`;
  if (ctx.json) {
    ctx.out(
      JSON.stringify({ register: name, address: at.address, value, access: registerAccess(r), reset: r.resetValue, fields: decodeFields(r, value) }, null, 2),
    );
    return 0;
  }
  const digits = r.size / 4;
  const access = registerAccess(r);
  ctx.out(
    `${paint(ctx, 1, name)} @ ${hex(at.address, 8)} = ${paint(ctx, 36, hex(value, digits))}  (${access}, reset ${hex(r.resetValue, digits)}${value !== r.resetValue ? paint(ctx, 33, ', changed') : ''})`,
  );
  for (const f of decodeFields(r, value)) {
    const extra = [f.access !== access ? f.access : '', f.modifiedWriteValues ?? '', f.readAction ? `read: ${f.readAction}` : ''].filter(Boolean).join(', ');
    ctx.out(
      `  ${(f.name + f.bits).padEnd(28)} ${hex(f.value, 0).padStart(10)}${f.enum !== undefined ? ' ' + paint(ctx, 32, f.enum) : ''}${extra ? `  (${extra})` : ''}`,
    );
  }
  return 0;
}

interface WritePlan {
  readonly at: Located;
  /** The field's value, or the register's. */
  readonly value: number;
}

/** Checks a write entirely against the map (read-only, write-only register, side effects, range): a refused write sends nothing. */
function planWrite(ctx: Ctx, text: string): WritePlan {
  const eq = text.indexOf('=');
  if (eq < 0) throw new UsageError(`write takes P.R=VALUE or P.R.F=VALUE, got '${text}'`);
  const at = locate(ctx.map, text.slice(0, eq));
  const r = at.register;
  const raw = text.slice(eq + 1);
  if (at.field) {
    const value = parseFieldValue(at.field, raw);
    fieldWrite(r, at.field, 0, value);
    return { at, value };
  }
  if (!isWritable(registerAccess(r)))
    throw new RegisterMapError(
      `${at.peripheral.name}.${r.name} is read-only${r.access !== 'read-only' ? ' (every field of it is)' : ''}: nothing was written`,
      'RO',
    );
  const value = parseInteger(raw);
  if (value === undefined || (r.size < 32 && value >= 2 ** r.size))
    throw new RegisterMapError(`bad value '${raw}' for the ${r.size}-bit register ${r.name}`, 'RANGE');
  return { at, value };
}

async function write(ctx: Ctx, c: ConsoleClient, { at, value }: WritePlan, token: string): Promise<number> {
  const r = at.register;
  const width = r.size as Width;
  let next = value;
  let before: number | undefined;
  await c.unlock(token);
  let failed = true;
  try {
    if (at.field) {
      if (at.field.bitWidth < r.size) before = (await c.readValues(width, [at.address])).get(at.address)!;
      next = fieldWrite(r, at.field, before ?? 0, value);
    }
    await c.writeValues(width, [[at.address, next]]);
    failed = false;
  } finally {
    // Re-locks whatever happened; a failed lock after a failed write does not hide the write's error.
    await c.command('lock').catch((e: unknown) => {
      if (!failed) throw e;
    });
  }
  const name = `${at.peripheral.name}.${r.name}${at.field ? '.' + at.field.name : ''}`;
  if (ctx.json) ctx.out(JSON.stringify({ register: name, address: at.address, before, written: next }));
  else ctx.out(`${name}: wrote ${hex(next, r.size / 4)} to ${hex(at.address, 8)}${before !== undefined ? ` (was ${hex(before, r.size / 4)})` : ''}`);
  return 0;
}

interface Row {
  register: string;
  address: number;
  value?: number;
  skipped?: string;
}

/** Reads every readable register of the peripherals: one bulk request per width and line. */
async function readAll(ctx: Ctx, c: ConsoleClient, peripherals: readonly PeripheralMap[], label: string): Promise<Row[]> {
  const rows: Row[] = [];
  const byWidth = new Map<Width, number[]>();
  for (const p of peripherals) {
    for (const r of p.registers) {
      const address = (p.baseAddress + r.addressOffset) >>> 0;
      const row: Row = { register: `${p.name}.${r.name}`, address };
      if (!isReadable(registerAccess(r))) row.skipped = 'write-only';
      else if (readHasSideEffects(r) && !ctx.force) row.skipped = 'read has side effects (--force)';
      else byWidth.set(r.size as Width, [...(byWidth.get(r.size as Width) ?? []), address]);
      rows.push(row);
    }
  }
  const total = [...byWidth.values()].reduce((n, a) => n + a.length, 0);
  const bar = total > 64 ? progress(label) : () => {};
  let done = 0;
  const values = new Map<number, number>();
  for (const [width, addresses] of byWidth) {
    const got = await c.readValues(width, addresses, ctx.force, (d) => bar(done + d, total));
    done += addresses.length;
    for (const [a, v] of got) values.set(a, v);
  }
  for (const row of rows) {
    if (row.skipped) continue;
    row.value = values.get(row.address);
    // The device's message repeats 'bus fault: N-bit read at ADDR': keep its reason.
    if (row.value === undefined) row.skipped = `bus fault: ${(c.faults.get(row.address) ?? 'no value').replace(/^(bus fault: )?\d+-bit read at [^:]*: /, '')}`;
  }
  return rows;
}

async function dump(ctx: Ctx, c: ConsoleClient, p: PeripheralMap): Promise<number> {
  const rows = await readAll(ctx, c, [p], `dump ${p.name}`);
  if (ctx.json) {
    ctx.out(JSON.stringify({ peripheral: p.name, base: p.baseAddress, registers: rows }, null, 2));
    return 0;
  }
  const regs = new Map(p.registers.map((r) => [`${p.name}.${r.name}`, r]));
  for (const row of rows) {
    const r = regs.get(row.register)!;
    const value = row.value === undefined ? paint(ctx, 2, `(${row.skipped})`) : paint(ctx, row.value !== r.resetValue ? 33 : 36, hex(row.value, r.size / 4));
    ctx.out(`${row.register.padEnd(32)} ${hex(row.address, 8)}  ${value}`);
  }
  return 0;
}

async function watch(ctx: Ctx, c: ConsoleClient, at: Located, interval: number, count: number): Promise<number> {
  let stop = false;
  const onSig = () => void (stop = true);
  process.once('SIGINT', onSig);
  let last: number | undefined;
  let changes = 0;
  const name = `${at.peripheral.name}.${at.register.name}`;
  try {
    while (!stop && changes < count) {
      const value = await readOne(ctx, c, at);
      if (value !== last) {
        const time = new Date().toISOString();
        const changed = last === undefined ? [] : decodeFields(at.register, value).filter((f, i) => f.value !== decodeFields(at.register, last!)[i]!.value);
        if (ctx.json) ctx.out(JSON.stringify({ time, register: name, value, fields: changed.map((f) => ({ name: f.name, value: f.value, enum: f.enum })) }));
        else
          ctx.out(
            `${paint(ctx, 2, time)} ${name} = ${paint(ctx, 36, hex(value, at.register.size / 4))}${changed.length ? '  ' + changed.map((f) => `${f.name}=${hex(f.value, 0)}${f.enum ? ` ${f.enum}` : ''}`).join(' ') : ''}`,
          );
        if (last !== undefined) changes++;
        last = value;
      }
      if (changes < count) await new Promise((r) => setTimeout(r, interval));
    }
  } finally {
    process.off('SIGINT', onSig);
  }
  return 0;
}

interface Snapshot {
  format: 'vllsi-snapshot/1';
  device: string;
  time: string;
  values: Record<string, number>;
}

async function snapshot(ctx: Ctx, c: ConsoleClient, file: string, names: string[] | undefined): Promise<number> {
  const peripherals = names ? names.map((n) => findPeripheral(ctx.map, n)) : ctx.map.peripherals;
  const rows = await readAll(ctx, c, peripherals, 'snapshot');
  const snap: Snapshot = { format: 'vllsi-snapshot/1', device: ctx.map.device, time: new Date().toISOString(), values: {} };
  for (const row of rows) if (row.value !== undefined) snap.values[row.register] = row.value;
  writeText(file, JSON.stringify(snap, null, 1) + '\n');
  const n = Object.keys(snap.values).length;
  if (ctx.json) ctx.out(JSON.stringify({ file, registers: n, skipped: rows.length - n }));
  else ctx.out(`${file}: ${n} registers of ${peripherals.length} peripherals (${rows.length - n} skipped: write-only or read side effects)`);
  return 0;
}

function loadSnapshot(file: string): Snapshot {
  let s: Snapshot;
  try {
    s = JSON.parse(readText(file)) as Snapshot;
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`${file} is not JSON: ${e.message}`);
    throw e;
  }
  if (s?.format !== 'vllsi-snapshot/1' || typeof s.values !== 'object') throw new UsageError(`${file} is not a vllsi snapshot`);
  return s;
}

function diff(ctx: Ctx, fileA: string, fileB: string): number {
  const a = loadSnapshot(fileA);
  const b = loadSnapshot(fileB);
  const names = [...new Set([...Object.keys(a.values), ...Object.keys(b.values)])];
  const changes = [];
  for (const name of names) {
    const va = a.values[name];
    const vb = b.values[name];
    if (va === vb) continue;
    let fields: { name: string; from?: number; to?: number; fromEnum?: string; toEnum?: string }[] = [];
    let r: RegisterMap | undefined;
    try {
      r = locate(ctx.map, name).register;
    } catch {
      r = undefined; // a register the map does not know: compared as a whole
    }
    if (r && va !== undefined && vb !== undefined) {
      fields = r.fields
        .filter((f) => fieldValue(f, va) !== fieldValue(f, vb))
        .map((f) => ({
          name: f.name,
          from: fieldValue(f, va),
          to: fieldValue(f, vb),
          fromEnum: enumName(f, fieldValue(f, va)),
          toEnum: enumName(f, fieldValue(f, vb)),
        }));
    }
    changes.push({ register: name, from: va, to: vb, fields });
  }
  if (ctx.json) ctx.out(JSON.stringify({ a: fileA, b: fileB, changes }, null, 2));
  else {
    ctx.out(`${changes.length} of ${names.length} registers differ (${fileA} → ${fileB})`);
    for (const ch of changes) {
      const show = (v: number | undefined) => (v === undefined ? 'absent' : hex(v, 8));
      ctx.out(`${paint(ctx, 1, ch.register.padEnd(32))} ${paint(ctx, 31, show(ch.from))} → ${paint(ctx, 32, show(ch.to))}`);
      for (const f of ch.fields)
        ctx.out(`    ${f.name.padEnd(28)} ${hex(f.from!, 0)}${f.fromEnum ? ` ${f.fromEnum}` : ''} → ${hex(f.to!, 0)}${f.toEnum ? ` ${f.toEnum}` : ''}`);
    }
  }
  return changes.length === 0 ? 0 : 1;
}
