import { describe, it, expect, afterEach } from 'vitest';
import {
  init,
  shutdown,
  isInitialized,
  initThread,
  cleanupThread,
  isThreadInitialized,
  setPanicHandler,
  setPlatformHalt,
  panic,
  InitError,
  AlreadyInitialized,
  InvalidConfig,
  PlatformError,
  Panic,
  type PanicInfo,
} from '../../src/init.js';
import { hasStackArena, stackStats } from '../../src/embedded.js';
import { ctxGet, ctxSet } from '../../src/context.js';
import { numOnlineCpus, singleThreadProvider, type ThreadProvider } from '../../src/threads.js';
import { targetPageSize, PAGE_SIZE } from '../../src/common.js';
import { OSError } from '../../src/errors.js';
import { thrown } from '../support/thrown.js';
import { MemHal } from '../support/mem-hal.js';
import { Halted } from '../../src/hal.js';
import { boundHal, unbindHal } from '../../src/platform.js';
import { volatileLoad, volatileStore } from '../../src/mmio.js';

/** The in-memory HAL: a board with 1 KiB of RAM; its halt() throws Halted. */
const boardHal = () => new MemHal({ regions: [{ name: 'RAM', base: 0x20000000, size: 1024 }] });

afterEach(() => {
  shutdown();
  setPanicHandler(undefined);
  setPlatformHalt(undefined);
});

describe('init / shutdown', () => {
  it('init sets everything up, shutdown undoes it, init works again', () => {
    expect(isInitialized()).toBe(false);
    unbindHal();
    const hal = boardHal();
    init({ hal, stackArena: 512, pageSize: 1024 });
    expect(boundHal()).toBe(hal); // bound for mmio and the rest
    volatileStore(0x20000010, 0xabcd);
    expect(volatileLoad(0x20000010)).toBe(0xabcd);
    expect(isInitialized()).toBe(true);
    expect(isThreadInitialized()).toBe(true);
    expect(stackStats().capacity).toBe(512);
    expect(targetPageSize()).toBe(1024);
    expect(numOnlineCpus()).toBe(2); // the default thread provider asks the HAL's core count
    ctxSet(0, 'x');
    shutdown();
    expect(isInitialized()).toBe(false);
    expect(boundHal()).toBeUndefined();
    expect(hasStackArena()).toBe(false);
    expect(targetPageSize()).toBe(PAGE_SIZE);
    expect(ctxGet(0)).toBeUndefined();
    init();
    expect(stackStats().capacity).toBe(16384);
  });

  it('a second init is AlreadyInitialized', () => {
    init();
    const e = thrown(() => init());
    expect(e).toBeInstanceOf(AlreadyInitialized);
    expect(e).toBeInstanceOf(InitError);
    expect((e as InitError).kind).toBe('AlreadyInitialized');
  });

  it.each([
    { cfg: { pageSize: 3 }, text: 'pageSize 3' },
    { cfg: { stackArena: -1 }, text: 'stackArena' },
    { cfg: { stackArena: 'big' }, text: 'stackArena' },
    { cfg: { hal: {} }, text: 'hal must implement' },
    { cfg: { threads: 5 }, text: 'threads must be' },
    { cfg: { panicHandler: 'log' }, text: 'panicHandler' },
    { cfg: { stackarena: 10 }, text: "unknown option 'stackarena'" },
  ])('invalid config: $text is InvalidConfig naming the problem, and has no effect', ({ cfg, text }) => {
    const e = thrown(() => init(cfg as never)) as InvalidConfig;
    expect(e).toBeInstanceOf(InvalidConfig);
    expect(e.kind).toBe('InvalidConfig');
    expect(e.message).toContain(text);
    expect(isInitialized()).toBe(false);
    expect(hasStackArena()).toBe(false);
  });

  it('an OSError from the platform is PlatformError(OSError), with no effect', () => {
    const failing: ThreadProvider = {
      ...singleThreadProvider(),
      numOnlineCpus: () => {
        throw new OSError(38, 'sysconf failed', 'ENOSYS');
      },
    };
    const e = thrown(() => init({ threads: failing, stackArena: 64 })) as PlatformError;
    expect(e).toBeInstanceOf(PlatformError);
    expect(e.cause).toBeInstanceOf(OSError);
    expect(e.cause.errname).toBe('ENOSYS');
    expect(isInitialized()).toBe(false);
    expect(hasStackArena()).toBe(false);
  });

  it('initThread / cleanupThread: a thread is set up once', () => {
    initThread({ stackArena: 128 });
    expect(isThreadInitialized()).toBe(true);
    expect(stackStats().capacity).toBe(128);
    expect(thrown(() => initThread())).toBeInstanceOf(AlreadyInitialized);
    cleanupThread();
    expect(isThreadInitialized()).toBe(false);
    expect(hasStackArena()).toBe(false);
    expect(thrown(() => initThread({ stackArena: -5 }))).toBeInstanceOf(InvalidConfig);
  });
});

describe('panic', () => {
  it('runs the handler, then halts through the HAL; never returns', () => {
    const log: string[] = [];
    const hal = boardHal();
    init({ hal, panicHandler: (i: PanicInfo) => void log.push(`handler: ${i.message} @${i.location.file}:${i.location.line} t${i.threadId}`) });
    const info: PanicInfo = { message: 'bad state', location: { file: 'drv.ts', line: 12, column: 3 }, threadId: 0 };
    const e = thrown(() => panic(info)) as Halted;
    expect(e).toBeInstanceOf(Halted);
    expect(e.reason).toBe('panicked at drv.ts:12:3 (thread 0): bad state');
    expect(log).toEqual(['handler: bad state @drv.ts:12 t0']);
  });

  it('a throwing or panicking handler does not prevent the halt', () => {
    init({ hal: boardHal() });
    setPanicHandler(() => panic('again'));
    // The nested panic halts (skipping the handler); the outer one halts too as control comes back.
    expect((thrown(() => panic('first')) as Halted).reason).toMatch(/: first$/);
    setPanicHandler(() => {
      throw new Error('handler bug');
    });
    expect(thrown(() => panic('second'))).toBeInstanceOf(Halted);
  });

  it('without a HAL: the platform halt, else a Panic error', () => {
    unbindHal();
    const halts: string[] = [];
    setPlatformHalt((r) => {
      halts.push(r);
      throw new Halted(r);
    });
    expect(thrown(() => panic('no hal'))).toBeInstanceOf(Halted);
    expect(halts[0]).toContain(': no hal');
    setPlatformHalt(undefined);
    const e = thrown(() => panic('nothing to halt')) as Panic;
    expect(e).toBeInstanceOf(Panic);
    expect(e.info.message).toBe('nothing to halt');
  });
});
