// Adversarial tests of console sessions, the unlock token and the read/write guards: what a
// hostile or careless client on the line can try, one class per describe.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ConsoleService,
  END_OF_SESSION,
  UNLOCK_BACKOFF_MS,
  UNLOCK_MAX_FAILURES,
  unpackMap,
  registersTouched,
  type ConsoleBus,
  type ConsoleOptions,
} from '../../src/console/index.js';
import { BusFault } from '../../src/hal.js';
import { sandbox } from '../../src/index.js';
import { BASE, Host, TestBus, bytes, testMap } from '../support/console-board.js';
import { runs } from '../support/env.js';
import rp2040Json from '../../boards/rpi-pico/registers.json' with { type: 'json' };

const rp2040 = unpackMap(rp2040Json);
const EOT = String.fromCharCode(END_OF_SESSION);

function setup(extra: Partial<ConsoleOptions> = {}, bus: ConsoleBus = new TestBus()) {
  const host = new Host();
  let now = 0;
  const service = new ConsoleService({ bus, send: host.send, map: testMap, board: 'b', uptimeMs: () => now, unlockToken: 's3cret', ...extra });
  const say = (text: string) => {
    service.receive(bytes(text));
    return host.take();
  };
  return { service, host, say, bus, tick: (ms: number) => (now += ms) };
}

/** A bus over the RP2040 register space that records every access (it never faults). */
class RecordingBus implements ConsoleBus {
  readonly reads: number[] = [];
  readonly writes: number[] = [];
  load8 = (a: number) => (this.reads.push(a), 0);
  load16 = (a: number) => (this.reads.push(a), 0);
  load32 = (a: number) => (this.reads.push(a), 0);
  store8 = (a: number) => void this.writes.push(a);
  store16 = (a: number) => void this.writes.push(a);
  store32 = (a: number) => void this.writes.push(a);
}

describe('console sessions: the unlock belongs to the session', () => {
  it('END_OF_SESSION re-locks: the next client cannot write without the token', () => {
    const { say, bus } = setup();
    expect(say('unlock s3cret\n')).toEqual(['OK']);
    say(EOT);
    expect(say('poke 0x40000020 5\n')[0]).toMatch(/^ERR LOCKED/);
    expect(say(':w 01 32 40000020=5\n')).toEqual([]); // an error frame, no text
    expect((bus as TestBus).writes).toBe(0);
    expect(say('info\n')).toContain('writes locked');
  });

  it("a partial line is dropped at session end: A's 'peek 0x2004' never joins B's '1000'", () => {
    const { say, bus } = setup();
    (bus as TestBus).mem.set(0x20041000, 0xdead);
    const answer = say('peek 0x2004' + EOT + '1000\n');
    expect(answer[0]).toMatch(/^ERR UNKNOWN unknown command '1000'/);
    expect(answer.join('\n')).not.toMatch(/dead/);
  });

  it('an overlong partial line and a pending CR are dropped too', () => {
    const { say } = setup();
    say('x'.repeat(1000));
    expect(say(EOT + 'info\n').at(-1)).toBe('OK');
    say('info\r');
    expect(say(EOT + '\nhelp\n')).toContain('OK'); // the LF after the session end is a line of its own
  });

  it('property: after END_OF_SESSION no byte sequence without the token writes anything', () => {
    const attempt = fc.array(
      fc.constantFrom(
        'poke 0x40000020 1\n',
        ':w 1 32 40000020=1\n',
        'write DEV.CTRL 1\n',
        'unlock wrong\n',
        'lock\n',
        '\r',
        'unlock s3cre',
        't\n',
        'x'.repeat(300),
        EOT,
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(attempt, (parts) => {
        const { service, bus } = setup();
        service.receive(bytes('unlock s3cret\npoke 0x40000020 7\n' + EOT));
        const before = (bus as TestBus).writes;
        // 'unlock s3cre' + 't\n' spells the token across chunks: only allowed if no EOT came between.
        let joined = '';
        for (const p of parts) joined += p;
        service.receive(bytes(joined));
        const tokenSpelled = /(^|[\r\n\x04])unlock s3cret\n/.test(joined.replaceAll('x'.repeat(300), '\0'));
        if (!tokenSpelled) expect((bus as TestBus).writes).toBe(before);
      }),
      runs(300, 2000),
    );
  });
});

describe('console unlock: backoff, lockout, comparison', () => {
  it('a failed unlock backs off exponentially; even the right token is refused while it lasts', () => {
    const { say, tick } = setup();
    let wait = UNLOCK_BACKOFF_MS;
    for (let i = 1; i < UNLOCK_MAX_FAILURES; i++) {
      expect(say('unlock guess\n')[0]).toBe('ERR TOKEN wrong unlock token');
      tick(wait - 1);
      expect(say('unlock s3cret\n')[0]).toMatch(/^ERR TOKEN too soon after a failed unlock: wait 1 ms/);
      tick(1);
      wait *= 2;
    }
    expect(say('unlock s3cret\n')).toEqual(['OK']);
  });

  it(`after ${UNLOCK_MAX_FAILURES} failures unlocking is locked out for good, across sessions`, () => {
    const { say, tick, bus } = setup();
    for (let i = 0; i < UNLOCK_MAX_FAILURES; i++) {
      expect(say('unlock guess\n')[0]).toMatch(/^ERR TOKEN wrong unlock token/);
      tick(10 * 60_000);
    }
    for (const s of ['', EOT]) {
      expect(say(s + 'unlock s3cret\n')[0]).toMatch(/^ERR TOKEN unlocking is locked out after 8 failed unlocks/);
      expect(say('poke 0x40000020 1\n')[0]).toMatch(/^ERR LOCKED/);
    }
    expect(say('info\n')).toContain('writes locked out (too many failed unlocks: restart the board)');
    expect((bus as TestBus).writes).toBe(0);
  });

  it('guessing at line rate gets at most UNLOCK_MAX_FAILURES comparisons in any amount of time', () => {
    const { say, tick, service } = setup();
    let refusedEarly = 0;
    for (let i = 0; i < 10_000; i++) {
      const a = say(`unlock g${i}\n`)[0]!;
      if (/too soon|locked out/.test(a)) refusedEarly++;
      tick(1);
    }
    expect(10_000 - refusedEarly).toBeLessThanOrEqual(UNLOCK_MAX_FAILURES);
    expect(service.stats.errors).toBe(10_000);
  });

  it('property: only the exact token unlocks (prefixes, extensions, case, repeats fail)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[!-~]{1,40}$/), fc.stringMatching(/^[!-~]{1,40}$/), (token, guess) => {
        const { say } = setup({ unlockToken: token });
        expect(say(`unlock ${guess}\n`)[0] === 'OK').toBe(guess === token);
      }),
      runs(500, 5000),
    );
    for (const guess of ['s3cre', 's3crett', 'S3CRET', 's3cret'.repeat(2), 'x3cret', 's3cres']) {
      const { say } = setup();
      expect(say(`unlock ${guess}\n`)[0]).toBe('ERR TOKEN wrong unlock token');
    }
  });
});

describe('console robustness: receive never throws', () => {
  it('a send that throws loses that answer only; the service keeps answering', () => {
    let fail = true;
    const got: Uint8Array[] = [];
    const service = new ConsoleService({
      bus: new TestBus(),
      map: testMap,
      board: 'b',
      uptimeMs: () => 0,
      send: (b) => {
        if (fail) throw new Error('line down');
        got.push(b);
      },
    });
    expect(() => service.receive(bytes('info\npeek 0x40000000\n:r 1 32 40000000 1\nbogus\n'))).not.toThrow();
    expect(service.stats.sendFailures).toBe(4);
    fail = false;
    service.receive(bytes('help\n'));
    expect(got.length).toBe(1);
  });

  it('a non-byte argument, a throwing uptime and a throwing bus are answered or counted, never thrown', () => {
    const host = new Host();
    const bus = new TestBus();
    bus.load32 = () => {
      throw new TypeError('bus bug');
    };
    const service = new ConsoleService({
      bus,
      map: testMap,
      board: 'b',
      send: host.send,
      uptimeMs: () => {
        throw new RangeError('clock bug');
      },
    });
    for (const junk of [undefined, null, 'info\n', 42, {}, [1, 2]]) expect(() => service.receive(junk as never)).not.toThrow();
    service.receive(bytes('info\npeek 0x40000000\nunlock x\n'));
    expect(host.take().map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['ERR INTERNAL', 'ERR INTERNAL', 'ERR LOCKED']);
  });

  it('dump marks a register whose read faults on the bus and goes on', () => {
    const bus = new TestBus();
    const load32 = bus.load32.bind(bus);
    bus.load32 = (a) => {
      if (a === BASE + 4) throw new BusFault(a, 4, 'read', 'unmapped', 'not modelled');
      return load32(a);
    };
    const { say } = setup({}, bus);
    const out = say('dump DEV\n');
    expect(out).toEqual([
      'DEV.CTRL                 0x40000000 = 0x00000021',
      'DEV.INTR                 0x40000004 (bus fault)',
      'DEV.FIFO                 0x40000008 (read has side effects: dump!)',
      'DEV.KEY                  0x4000000c (write-only)',
      'DEV.HALF                 0x40000010 = 0x0000',
      'OK',
    ]);
  });
});

describe('console read guards: aliases and sub-word reads act on the register', () => {
  const dr = 0x40034000; // UART0.UARTDR: a read pops the RX FIFO
  const timehw = 0x40054000; // TIMER.TIMEHW: write-only

  it('registersTouched finds the register behind each RP2040 alias and under each byte', () => {
    for (const alias of [0, 0x1000, 0x2000, 0x3000]) {
      for (const [off, size] of [
        [0, 4],
        [0, 2],
        [2, 2],
        [0, 1],
        [1, 1],
        [3, 1],
      ] as const) {
        expect(registersTouched(rp2040, dr + alias + off, size).map((l) => l.register.name)).toEqual(['UARTDR']);
      }
    }
    // SIO (0xd0000000) has no aliases: +0x1000 is outside its registers.
    expect(registersTouched(rp2040, 0xd0000050 + 0x1000, 4)).toEqual([]);
    expect(registersTouched(testMap, BASE + 8 + 0x1000, 4)).toEqual([]); // not an RP2040
  });

  it('peek through an alias or a sub-word of a FIFO register is SIDEFX and reads nothing', () => {
    const bus = new RecordingBus();
    const { say } = setup({ map: rp2040 }, bus);
    const cases = [
      `peek 0x${(dr + 0x1000).toString(16)}`,
      `peek 0x${(dr + 0x2000).toString(16)}`,
      `peek 0x${(dr + 0x3000).toString(16)}`,
      `peek 0x${dr.toString(16)} 1 8`,
      `peek 0x${(dr + 1).toString(16)} 1 8`,
      `peek 0x${(dr + 2).toString(16)} 1 16`,
      `peek 0x${(dr + 0x3003).toString(16)} 1 8`,
      `peek 0x${(dr - 4).toString(16)} 2`,
    ];
    for (const c of cases) expect(say(c + '\n')[0], c).toMatch(/^ERR SIDEFX reading UART0\.UARTDR \(0x40034000\)/);
    expect(say(`:r 1 8 ${(dr + 0x2001).toString(16)} 1\n`)).toEqual([]);
    expect(say(`:m 1 8 ${(dr + 0x1000).toString(16)} 2\n`)).toEqual([]);
    expect(bus.reads).toEqual([]);
    expect(say(`peek! 0x${(dr + 0x1000).toString(16)}\n`).at(-1)).toBe('OK');
    expect(bus.reads).toEqual([dr + 0x1000]);
  });

  it('a write-only register is not read through an alias or a byte', () => {
    const bus = new RecordingBus();
    const { say } = setup({ map: rp2040 }, bus);
    for (const a of [timehw + 0x2000, timehw + 3]) expect(say(`peek! 0x${a.toString(16)} 1 8\n`)[0]).toMatch(/^ERR WO TIMER\.TIMEHW/);
    expect(bus.reads).toEqual([]);
  });

  it('a write through an alias or a byte is checked against the register it acts on', () => {
    const bus = new RecordingBus();
    const { say } = setup({ map: rp2040 }, bus);
    say('unlock s3cret\n');
    sandbox({ deny: [{ scope: 'register', from: dr, to: dr + 4 }] }, () => {
      for (const a of [dr + 0x2000, dr + 0x3000, dr + 0x1000]) expect(say(`poke 0x${a.toString(16)} 1\n`)[0]).toMatch(/^ERR DENIED write of 0x40034000/);
      expect(say(`poke 0x${(dr + 0x2001).toString(16)} 1 8\n`)[0]).toMatch(/^ERR DENIED/);
    });
    expect(bus.writes).toEqual([]);
  });
});
