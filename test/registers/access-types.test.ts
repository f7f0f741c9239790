// Access is carried by the types (as in tock-registers): what the run-time checks refuse does not
// compile. These assertions are checked by `npm run typecheck` (tsc over test/); the run-time half
// of each rule is in test/portable/mmio.test.ts.
import { describe, expectTypeOf, it } from 'vitest';
import { peripheral, type Peripheral, type PeripheralDef, type Register } from '../../src/index.js';
import { IO_BANK0, TIMER, UART0 } from '../../src/registers/rp2040.js';
import { DEVICE } from '../support/test-device.js';

type Dev = Peripheral<typeof DEVICE>;
// Only compiled, never run (see 'refused forms').
declare const dev: Dev;

describe('access in the types', () => {
  it('a read-only register has no write, modify or atomic aliases; its reads stay', () => {
    expectTypeOf<Dev['STATUS']>().not.toHaveProperty('write');
    expectTypeOf<Dev['STATUS']>().not.toHaveProperty('modify');
    expectTypeOf<Dev['STATUS']>().not.toHaveProperty('atomicSet');
    expectTypeOf<Dev['STATUS']>().toHaveProperty('read');
    expectTypeOf<Dev['STATUS']['get']>().parameter(0).toEqualTypeOf<'READY' | 'COUNT'>();
    // Generated definitions too: TIMER.TIMERAWL and INTS are read-only in the RP2040 SVD.
    expectTypeOf<Peripheral<typeof TIMER>['TIMERAWL']>().not.toHaveProperty('write');
    expectTypeOf<Peripheral<typeof TIMER>['INTS']>().not.toHaveProperty('modify');
    expectTypeOf<Peripheral<typeof TIMER>['ALARM0']>().toHaveProperty('write');
  });

  it('a write-only register has no read, get, isSet, matches or modify; write stays', () => {
    expectTypeOf<Dev['CMD']>().not.toHaveProperty('read');
    expectTypeOf<Dev['CMD']>().not.toHaveProperty('get');
    expectTypeOf<Dev['CMD']>().not.toHaveProperty('isSet');
    expectTypeOf<Dev['CMD']>().not.toHaveProperty('matches');
    expectTypeOf<Dev['CMD']>().not.toHaveProperty('modify');
    expectTypeOf<Dev['CMD']['write']>().parameter(0).toEqualTypeOf<{ readonly GO?: number; readonly ARG?: number } | number>();
  });

  it('write and modify take writable fields only; read, get and matches readable ones only', () => {
    // MIXED: KEY is write-only, VAL read-write.
    expectTypeOf<Dev['MIXED']['get']>().parameter(0).toEqualTypeOf<'VAL'>();
    expectTypeOf<Dev['MIXED']['matches']>().parameter(0).toEqualTypeOf<{ readonly VAL?: number }>();
    expectTypeOf<Dev['MIXED']['write']>().parameter(0).toEqualTypeOf<{ readonly KEY?: number; readonly VAL?: number } | number>();
    // encode touches no bus: any field.
    expectTypeOf<Dev['MIXED']['encode']>().parameter(0).toEqualTypeOf<{ readonly KEY?: number; readonly VAL?: number }>();
    // UART0.UARTFR is read-only as a whole; UARTDR mixes a writable DATA with read-only flags.
    expectTypeOf<Peripheral<typeof UART0>['UARTDR']['write']>().parameter(0).toEqualTypeOf<{ readonly DATA?: number } | number>();
    expectTypeOf<Peripheral<typeof UART0>['UARTDR']['get']>().parameter(0).toEqualTypeOf<'OE' | 'BE' | 'PE' | 'FE' | 'DATA'>();
  });

  it('field handles follow their access; enumerated names are typed', () => {
    expectTypeOf<Dev['STATUS']['fields']['READY']>().not.toHaveProperty('write');
    expectTypeOf<Dev['STATUS']['fields']['READY']>().toHaveProperty('read');
    expectTypeOf<Dev['MIXED']['fields']['KEY']>().not.toHaveProperty('read');
    expectTypeOf<Dev['MIXED']['fields']['KEY']>().toHaveProperty('write');
    expectTypeOf<Dev['CTRL']['fields']['MODE']['write']>().parameter(0).toEqualTypeOf<number | 'OFF' | 'SLOW' | 'FAST' | 'MAX'>();
    expectTypeOf<Dev['CTRL']['getEnum']>().returns.toEqualTypeOf<'OFF' | 'SLOW' | 'FAST' | 'MAX' | undefined>();
  });

  it('refused forms are compile errors', () => {
    // Never called: compiled only, so each line must fail to type-check.
    const compileOnly = (): void => {
      // @ts-expect-error: read-only register
      dev.STATUS.write(1);
      // @ts-expect-error: write-only register
      dev.CMD.read();
      // @ts-expect-error: write-only field KEY cannot be read
      dev.MIXED.get('KEY');
      // @ts-expect-error: read-only field READY cannot be written through its register
      dev.STATUS.fields.READY.modify(1);
      // @ts-expect-error: an unknown field
      dev.CTRL.write({ NOPE: 1 });
      // @ts-expect-error: an unknown enumerated name
      dev.CTRL.write({ MODE: 'TURBO' });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('a register array (SVD dim) is a readonly array of handles: IO_BANK0.GPIO_CTRL[pin]', () => {
    type Io = Peripheral<typeof IO_BANK0>;
    expectTypeOf<Io['GPIO_CTRL']>().toMatchTypeOf<readonly unknown[]>();
    expectTypeOf<Io['GPIO_CTRL'][number]['write']>().parameter(0).toMatchTypeOf<{ readonly FUNCSEL?: number } | number>();
    // GPIO_STATUS is read-only: its elements have no write.
    expectTypeOf<Io['GPIO_STATUS'][number]>().not.toHaveProperty('write');
    const compileOnly = (io: Io): void => {
      // @ts-expect-error: a readonly array
      io.GPIO_CTRL[0] = io.GPIO_CTRL[1]!;
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('an untyped definition (PeripheralDef) keeps every method, for code that picks registers at run time', () => {
    expectTypeOf<Peripheral<PeripheralDef>[string]>().toEqualTypeOf<Register<PeripheralDef['registers'][string]>>();
    expectTypeOf(peripheral<PeripheralDef>).returns.toEqualTypeOf<Peripheral<PeripheralDef>>();
  });
});
