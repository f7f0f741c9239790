import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ConsoleService,
  ErrorCode,
  FrameType,
  MAX_LINE,
  UNLOCK_BACKOFF_MS,
  UNLOCK_MAX_FAILURES,
  errorName,
  type ConsoleOptions,
} from '../../../src/console/index.js';
import { BASE, Host, TestBus, bytes, testMap } from '../../support/console-board.js';
import { runs } from '../../support/env.js';
import { bindHal, sandbox, unbindHal } from '../../../src/index.js';
import { MemHal } from '../../support/mem-hal.js';

function setup(extra: Partial<ConsoleOptions> = {}) {
  const bus = new TestBus();
  const host = new Host();
  let now = 1234;
  const service = new ConsoleService({ bus, send: host.send, map: testMap, board: 'testboard', uptimeMs: () => now, unlockToken: 's3cret', ...extra });
  const say = (line: string) => {
    service.receive(bytes(line + '\n'));
    return host.take();
  };
  return { bus, host, service, say, tick: (ms: number) => (now += ms) };
}

const u32le = (p: Uint8Array, i: number) => (p[i]! | (p[i + 1]! << 8) | (p[i + 2]! << 16) | (p[i + 3]! << 24)) >>> 0;

describe('console: human commands', () => {
  it('help and info end with OK; info shows board, uptime and map', () => {
    const { say } = setup();
    expect(say('help').at(-1)).toBe('OK');
    expect(say('info')).toEqual(['board testboard', 'runtime vllsi', 'uptime 1.234 s', 'map TESTCHIP (1 peripherals)', 'writes locked', 'OK']);
  });

  it('peek reads words, halves and bytes; peek of a side-effect register needs peek!', () => {
    const { say, bus } = setup();
    bus.mem.set(BASE + 0x10, 0xbeef);
    expect(say('peek 0x40000000 2')).toEqual(['0x40000000: 0x00000021', '0x40000004: 0x00000000', 'OK']);
    expect(say('peek 0x40000010 1 16')).toEqual(['0x40000010: 0xbeef', 'OK']);
    bus.fifo = [7, 8];
    expect(say('peek 0x40000008')[0]).toMatch(/^ERR SIDEFX .*DEV\.FIFO/);
    expect(bus.fifo).toEqual([7, 8]);
    expect(say('peek! 0x40000008')).toEqual(['0x40000008: 0x00000007', 'OK']);
    expect(bus.fifo).toEqual([8]);
  });

  it('writes need the token: LOCKED before, TOKEN when wrong, OK after; lock locks again', () => {
    const { say, bus, tick } = setup();
    expect(say('poke 0x40000020 5')[0]).toMatch(/^ERR LOCKED/);
    expect(say('unlock nope')[0]).toMatch(/^ERR TOKEN/);
    expect(say('poke 0x40000020 5')[0]).toMatch(/^ERR LOCKED/);
    tick(UNLOCK_BACKOFF_MS);
    expect(say('unlock s3cret')).toEqual(['OK']);
    expect(say('poke 0x40000020 5')).toEqual(['OK']);
    expect(bus.mem.get(BASE + 0x20)).toBe(5);
    expect(say('lock')).toEqual(['OK']);
    expect(say('poke 0x40000020 6')[0]).toMatch(/^ERR LOCKED/);
    expect(bus.mem.get(BASE + 0x20)).toBe(5);
  });

  it('a board without a token never allows writes', () => {
    const { say, bus } = setup({ unlockToken: undefined });
    expect(say('unlock anything')[0]).toMatch(/^ERR LOCKED .*no unlock token/);
    expect(say('write DEV.CTRL 1')[0]).toMatch(/^ERR LOCKED/);
    expect(bus.writes).toBe(0);
  });

  it('permission gating (src/permissions.ts) refuses a write after unlock (DENIED) and nothing is written', () => {
    const { say, bus } = setup();
    say('unlock s3cret');
    const policy = { deny: [{ scope: 'register' as const, from: BASE, to: BASE + 4 }] };
    sandbox(policy, () => {
      expect(say('write DEV.CTRL.EN 1')[0]).toMatch(/^ERR DENIED .*0x40000000/);
      expect(say(':w 1 32 40000100=1,40000000=1')).toEqual([]);
      expect(bus.writes).toBe(0);
      expect(say('write DEV.INTR.MASK 3')).toEqual(['OK']);
    });
    expect(say('write DEV.CTRL.EN 1')).toEqual(['OK']);
  });

  it("by default it goes through mmio's gated bus path on the bound HAL", () => {
    const hal = new MemHal({ regions: [{ name: 'DEV', base: BASE, size: 0x100 }] });
    const host = new Host();
    const service = new ConsoleService({ send: host.send, board: 'mem', uptimeMs: () => 0, unlockToken: 't' });
    const previous = bindHal(hal);
    try {
      service.receive(bytes('unlock t\npoke 0x40000010 0x1234\npeek 0x40000010\n'));
      expect(host.take()).toEqual(['OK', 'OK', '0x40000010: 0x00001234', 'OK']);
      expect(hal.load32(BASE + 0x10)).toBe(0x1234);
      sandbox({ deny: [{ scope: 'register', from: BASE, to: BASE + 0x100 }] }, () => service.receive(bytes('peek 0x40000010\n')));
      expect(host.take()[0]).toMatch(/^ERR DENIED permission denied: register/);
    } finally {
      if (previous) bindHal(previous);
      else unbindHal();
    }
  });

  it('read decodes every field with enumerated names and access', () => {
    const { say, bus } = setup();
    bus.mem.set(BASE, 0x05000021);
    expect(say('read dev.ctrl')).toEqual([
      'DEV.CTRL 0x40000000 = 0x05000021 (read-write, reset 0x00000021)',
      '  EN[0]                    = 0x1',
      '  MODE[6:4]                = 0x2 RUN',
      '  VER[31:24]               = 0x5 (read-only)',
      'OK',
    ]);
  });

  it('read of a side-effect register needs read!; write-only registers cannot be read', () => {
    const { say, bus } = setup();
    bus.fifo = [0x41];
    expect(say('read DEV.FIFO')[0]).toMatch(/^ERR SIDEFX/);
    expect(bus.fifo).toEqual([0x41]);
    expect(say('read! DEV.FIFO')[0]).toBe('DEV.FIFO 0x40000008 = 0x00000041 (read-only, reset 0x00000000)');
    expect(say('read DEV.KEY')[0]).toMatch(/^ERR WO/);
  });

  it('write P.R.F is a read-modify-write that keeps other fields and does not clear w1c flags', () => {
    const { say, bus } = setup();
    say('unlock s3cret');
    bus.mem.set(BASE + 4, 0x3); // RX and TX pending
    expect(say('write DEV.INTR.MASK 0xa')).toEqual(['OK']);
    expect(bus.mem.get(BASE + 4)).toBe(0xa03);
    expect(say('write DEV.INTR.RX 1')).toEqual(['OK']);
    expect(bus.mem.get(BASE + 4)).toBe(0xa02);
    expect(say('write DEV.CTRL.MODE RUN')).toEqual(['OK']);
    expect(bus.mem.get(BASE)).toBe(0x21);
    expect(say('write DEV.CTRL.MODE 0')).toEqual(['OK']);
    expect(bus.mem.get(BASE)).toBe(0x01);
  });

  it('field writes refuse read-only fields, values too wide, fields of write-only and side-effect registers', () => {
    const { say, bus } = setup();
    say('unlock s3cret');
    const before = bus.writes;
    expect(say('write DEV.CTRL.VER 1')[0]).toMatch(/^ERR RO/);
    expect(say('write DEV.CTRL.MODE 8')[0]).toMatch(/^ERR RANGE/);
    expect(say('write DEV.CTRL.MODE FAST')[0]).toMatch(/^ERR RANGE/);
    expect(say('write DEV.KEY.LO 1')[0]).toMatch(/^ERR WO .*write-only/);
    expect(say('write DEV.FIFO 1')[0]).toMatch(/^ERR RO/);
    expect(say('write DEV.NOPE 1')[0]).toMatch(/^ERR NOMAP/);
    expect(bus.writes).toBe(before);
  });

  it('dump lists each register, marking write-only and side-effect ones unless dump!', () => {
    const { say, bus } = setup();
    bus.fifo = [9];
    const out = say('dump DEV');
    expect(out).toHaveLength(6);
    expect(out[2]).toMatch(/DEV\.FIFO .*read has side effects/);
    expect(out[3]).toMatch(/DEV\.KEY .*write-only/);
    expect(out[4]).toMatch(/DEV\.HALF +0x40000010 = 0x0000$/);
    expect(bus.fifo).toEqual([9]);
    expect(say('dump! DEV')[2]).toMatch(/= 0x00000009$/);
  });

  it.each([
    { line: 'frobnicate', code: 'UNKNOWN' },
    { line: 'peek', code: 'SYNTAX' },
    { line: 'peek 0x40000001', code: 'RANGE' },
    { line: 'peek 0xfffffffe', code: 'RANGE' },
    { line: 'peek 12345678901', code: 'SYNTAX' },
    { line: 'peek 0 65', code: 'RANGE' },
    { line: 'peek 0 1 12', code: 'RANGE' },
    { line: 'read DEV', code: 'NOMAP' },
    { line: 'read DEV.CTRL.EN', code: 'SYNTAX' },
    { line: 'dump NOPE', code: 'NOMAP' },
    { line: 'poke 0x40000000', code: 'SYNTAX' },
  ])('$line → ERR $code', ({ line, code }) => {
    const { say } = setup();
    const out = say(line);
    expect(out).toHaveLength(1);
    expect(out[0]!.startsWith(`ERR ${code} `)).toBe(true);
  });

  it('without a map, P.R commands answer NOMAP and peek still works', () => {
    const { say } = setup({ map: undefined });
    expect(say('read DEV.CTRL')[0]).toMatch(/^ERR NOMAP .*no register map/);
    expect(say('peek 0x40000000')).toEqual(['0x40000000: 0x00000021', 'OK']);
  });
});

describe('console: line handling', () => {
  it('an overlong line is discarded with ERR TOOLONG and the next line works', () => {
    const { service, host } = setup();
    service.receive(bytes('x'.repeat(MAX_LINE + 10) + '\ninfo\n'));
    const out = host.take();
    expect(out[0]).toMatch(/^ERR TOOLONG/);
    expect(out.at(-1)).toBe('OK');
    expect(service.stats.overlong).toBe(1);
  });

  it('CR, LF and CRLF each end one line; empty lines answer OK; bytes may arrive one at a time', () => {
    const { service, host } = setup();
    for (const b of bytes('lock\r\nlock\rlock\n\n')) service.receive(new Uint8Array([b]));
    expect(host.take()).toEqual(['OK', 'OK', 'OK', 'OK']);
  });

  it('non-printable bytes give ERR SYNTAX naming the byte', () => {
    const { service, host } = setup();
    service.receive(new Uint8Array([0x69, 0x6e, 0x00, 0xff, 0x0a]));
    expect(host.take()).toEqual(['ERR SYNTAX non-printable byte 0x00 at column 3']);
  });
});

describe('console: machine requests', () => {
  it(':r returns consecutive values in one frame with the request seq', () => {
    const { service, host, bus } = setup();
    for (let i = 0; i < 8; i++) bus.mem.set(BASE + 0x100 + 4 * i, 0x11111111 * i);
    service.receive(bytes(':r 2a 32 40000100 8\n'));
    expect(host.frames).toHaveLength(1);
    const f = host.frames[0]!;
    expect([f.type, f.seq, f.payload.length]).toEqual([FrameType.Values, 0x2a, 32]);
    for (let i = 0; i < 8; i++) expect(u32le(f.payload, 4 * i)).toBe(0x11111111 * i);
  });

  it(':m reads the registers a bitmap selects; side-effect registers need :M', () => {
    const { service, host, bus } = setup();
    bus.mem.set(BASE + 0x10, 0x1234);
    bus.fifo = [0x55];
    service.receive(bytes(':m 1 32 40000000 13\n')); // bits 0, 1, 4 → offsets 0, 4, 0x10
    expect(Array.from({ length: 3 }, (_, i) => u32le(host.frames[0]!.payload, 4 * i))).toEqual([0x21, 0, 0x1234]);
    service.receive(bytes(':m 2 32 40000000 4\n'));
    expect([host.frames[1]!.type, errorName(host.frames[1]!.payload[0]!)]).toEqual([FrameType.Error, 'SIDEFX']);
    expect(bus.fifo).toEqual([0x55]);
    service.receive(bytes(':M 3 32 40000000 4\n'));
    expect(u32le(host.frames[2]!.payload, 0)).toBe(0x55);
  });

  it(':w writes many registers after unlock, all or nothing on a bad value', () => {
    const { service, host, bus, say } = setup();
    service.receive(bytes(':w 7 32 40000100=1,40000104=2\n'));
    expect(errorName(host.frames[0]!.payload[0]!)).toBe('LOCKED');
    say('unlock s3cret');
    service.receive(bytes(':w 8 16 40000100=1,40000102=10000\n'));
    expect(errorName(host.frames[1]!.payload[0]!)).toBe('RANGE');
    expect(bus.writes).toBe(0);
    service.receive(bytes(':w 9 32 40000100=1,40000104=ffffffff\n'));
    expect([host.frames[2]!.type, host.frames[2]!.seq]).toEqual([FrameType.Ok, 9]);
    expect([bus.mem.get(BASE + 0x100), bus.mem.get(BASE + 0x104)]).toEqual([1, 0xffffffff]);
  });

  it.each([
    { line: ':', code: 'SYNTAX' },
    { line: ':x 1 32 0 1', code: 'UNKNOWN' },
    { line: ':r 1 32 40000000', code: 'SYNTAX' },
    { line: ':r 1 24 40000000 1', code: 'RANGE' },
    { line: ':r 1 32 40000002 1', code: 'RANGE' },
    { line: ':r 1 32 40000000 0', code: 'RANGE' },
    { line: ':r 1 32 40000000 401', code: 'RANGE' },
    { line: ':r 1 32 4000000g 1', code: 'SYNTAX' },
    { line: ':m 1 32 40000000 0', code: 'RANGE' },
    { line: ':r 1 32 4000000C 1', code: 'WO' },
  ])('$line → error frame $code', ({ line, code }) => {
    const { service, host } = setup();
    service.receive(bytes(line + '\n'));
    expect(host.frames).toHaveLength(1);
    expect(host.frames[0]!.type).toBe(FrameType.Error);
    expect(host.frames[0]!.payload[0]).toBe(ErrorCode[code as keyof typeof ErrorCode]);
  });
});

describe('console: laws', () => {
  it('every line gets exactly one answer, however the bytes are split, and receive never throws', () => {
    const line = fc.oneof(
      fc.constantFrom(
        'help',
        'info',
        'peek 0x40000000 3',
        'read DEV.CTRL',
        'dump DEV',
        'lock',
        ':r 1 32 40000000 4',
        ':m 5 32 40000000 3',
        'unlock s3cret',
        'write DEV.INTR.MASK 3',
        '',
      ),
      fc.string({ maxLength: 300 }).map((s) => s.replace(/[\r\n]/g, ' ')),
      fc.uint8Array({ maxLength: 40 }).map((a) => String.fromCharCode(...a.filter((b) => b !== 10 && b !== 13))),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(fc.nat(20), { minLength: 1, maxLength: 8 }), (lines, cuts) => {
        const { service, host } = setup();
        const all = bytes(lines.map((l) => l + '\n').join(''));
        let at = 0;
        let k = 0;
        while (at < all.length) {
          const n = Math.max(1, cuts[k++ % cuts.length]!);
          service.receive(all.subarray(at, at + n));
          at += n;
        }
        expect(service.stats.lines).toBe(lines.length);
        expect(host.answers()).toBe(lines.length);
      }),
      runs(300, 1000),
    );
  });

  it('model: poke/peek/unlock/lock/backoff/session end agree with a memory, lock-state and backoff model', () => {
    type Model = { unlocked: boolean; mem: Map<number, number>; now: number; failures: number; notBefore: number };
    type Real = ReturnType<typeof setup>;
    const addr = fc.nat(15).map((i) => 0x20000000 + 4 * i);
    class Unlock implements fc.Command<Model, Real> {
      constructor(readonly good: boolean) {}
      check = () => true;
      run(m: Model, r: Real) {
        const out = r.say(`unlock ${this.good ? 's3cret' : 'wrong'}`);
        if (m.failures >= UNLOCK_MAX_FAILURES) return expect(out[0]).toMatch(/^ERR TOKEN unlocking is locked out/);
        if (m.now < m.notBefore) return expect(out[0]).toMatch(/^ERR TOKEN too soon after a failed unlock/);
        m.unlocked = this.good;
        if (this.good) m.failures = 0;
        else {
          m.failures++;
          m.notBefore = m.now + UNLOCK_BACKOFF_MS * 2 ** (m.failures - 1);
        }
        expect(out[0]).toMatch(this.good ? /^OK$/ : /^ERR TOKEN wrong unlock token/);
      }
      toString = () => `unlock(${this.good})`;
    }
    class Tick implements fc.Command<Model, Real> {
      constructor(readonly ms: number) {}
      check = () => true;
      run(m: Model, r: Real) {
        m.now += this.ms;
        r.tick(this.ms);
      }
      toString = () => `tick(${this.ms})`;
    }
    class EndSession implements fc.Command<Model, Real> {
      constructor(readonly partial: string) {}
      check = () => true;
      run(m: Model, r: Real) {
        m.unlocked = false;
        r.service.receive(bytes(this.partial + '\x04'));
        expect(r.host.take()).toEqual([]);
      }
      toString = () => `endSession(${JSON.stringify(this.partial)})`;
    }
    class Lock implements fc.Command<Model, Real> {
      check = () => true;
      run(m: Model, r: Real) {
        m.unlocked = false;
        expect(r.say('lock')).toEqual(['OK']);
      }
      toString = () => 'lock';
    }
    class Poke implements fc.Command<Model, Real> {
      constructor(
        readonly a: number,
        readonly v: number,
      ) {}
      check = () => true;
      run(m: Model, r: Real) {
        const out = r.say(`poke 0x${this.a.toString(16)} ${this.v}`);
        if (m.unlocked) {
          m.mem.set(this.a, this.v);
          expect(out).toEqual(['OK']);
        } else expect(out[0]).toMatch(/^ERR LOCKED/);
      }
      toString = () => `poke(${this.a.toString(16)}, ${this.v})`;
    }
    class Peek implements fc.Command<Model, Real> {
      constructor(readonly a: number) {}
      check = () => true;
      run(m: Model, r: Real) {
        const out = r.say(`peek 0x${this.a.toString(16)}`);
        expect(parseInt(out[0]!.split(': ')[1]!, 16)).toBe(m.mem.get(this.a) ?? 0);
      }
      toString = () => `peek(${this.a.toString(16)})`;
    }
    const commands = [
      fc.boolean().map((g) => new Unlock(g)),
      fc.integer({ min: 0, max: 40_000 }).map((ms) => new Tick(ms)),
      fc.constantFrom('', 'poke 0x20000000 1', ':w 1 32 20000000').map((p) => new EndSession(p)),
      fc.constant(new Lock()),
      fc.tuple(addr, fc.nat({ max: 0xffffffff })).map(([a, v]) => new Poke(a, v)),
      addr.map((a) => new Peek(a)),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { size: '+1' }), (cmds) => {
        fc.modelRun(() => ({ model: { unlocked: false, mem: new Map(), now: 1234, failures: 0, notBefore: 0 }, real: setup() }), cmds);
      }),
      runs(200, 1000),
    );
  });
});
