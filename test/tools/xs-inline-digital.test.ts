// The Digital inliner (tools/xs-inline-digital.js): which sites it finds, on real parses, and that
// an inlined bundle behaves as the called one in real XS (stores, values, errors: a value other
// than 0/1, no HAL, a sandbox gate, a use before the constructor ran).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAst } from 'rollup/parseAst';
// @ts-expect-error plain JS build tooling
import { digitalSites, inlineSite } from '../../tools/xs-inline-digital.js';
// @ts-expect-error plain JS build tooling
import { xsInline } from '../../tools/xs-inline.js';
// @ts-expect-error plain JS build tooling
import { bundleForXs, xsWorker } from '../../tools/xs.js';

const modes = { Input: 0, InputPullUp: 1, InputPullDown: 2, InputPullUpDown: 3, Output: 8, OutputOpenDrain: 9 };
type Site = { op: string; instance: string; chip: string; pin: number; value?: string };

/** The sites of `code`, parsed by rollup; `Digital` is vllsi's rp2040 class unless `classes` says otherwise. */
function sites(
  code: string,
  { classes = { Digital: 'rp2040' } as Record<string, string>, device = undefined as string | undefined, pins = { led: 25 } } = {},
): Site[] {
  return (digitalSites(parseAst(code), code, { classes: new Map(Object.entries(classes)), device, pins, modes }) as Site[]).map(
    ({ op, instance, chip, pin, value }) => ({
      op,
      instance,
      chip,
      pin,
      ...(value !== undefined && { value }),
    }),
  );
}

describe('digitalSites, on real parses', () => {
  it("a Moddable app on vllsi's provider: device.io.Digital, device.pin.led, Digital.Output (examples/io/blink)", () => {
    const blink = `const Digital = device.io.Digital;\nconst led = new Digital({ pin: device.pin.led, mode: Digital.Output });\nlet on = 0;\nTimer.repeat(() => { on ^= 1; led.write(on); trace(led.pin); }, 250);`;
    expect(sites(blink, { classes: {}, device: 'rp2040' })).toEqual([{ op: 'write', instance: 'led', chip: 'rp2040', pin: 25, value: 'on' }]);
    // Moddable's provider (--io moddable): device is not vllsi's, nothing is known.
    expect(sites(blink, { classes: {} })).toEqual([]);
    // A `device` that is not the global: a parameter, or an import from elsewhere.
    expect(sites(`function f(device) { const led = new device.io.Digital({ pin: 2, mode: 8 }); led.write(1); }`, { classes: {}, device: 'rp2040' })).toEqual(
      [],
    );
    expect(
      sites(`import device from "./mine";\nconst led = new device.io.Digital({ pin: 2, mode: 8 }); led.write(1);`, { classes: {}, device: 'rp2040' }),
    ).toEqual([]);
    expect(
      sites(`import device from "embedded:provider/builtin";\nconst led = new device.io.Digital({ pin: device.pin.led, mode: 8 }); led.write(1);`, {
        classes: {},
        device: 'rp2040',
      }),
    ).toHaveLength(1);
  });

  it('imported classes, literal and const pins, numeric modes, reads on input modes, sites in nested functions', () => {
    const code = `const PIN = 15;
export function main() {
  const led = new Digital({ pin: 25, mode: Digital.Output, initialValue: 1, target: {} });
  const button = new D2({ pin: PIN, mode: 1 });
  led.write(1); led.write(x & 1); led.write(button.read());
  return () => button.read();
}`;
    expect(sites(code, { classes: { Digital: 'rp2040', D2: 'esp32' } })).toEqual([
      { op: 'write', instance: 'led', chip: 'rp2040', pin: 25, value: '1' },
      { op: 'write', instance: 'led', chip: 'rp2040', pin: 25, value: '(x & 1)' },
      { op: 'read', instance: 'button', chip: 'esp32', pin: 15 },
      { op: 'read', instance: 'button', chip: 'esp32', pin: 15 },
    ]);
  });

  it('keeps the call where the pin, mode or class is not known, or the argument has effects', () => {
    const none = [
      `let p = 25; const led = new Digital({ pin: p, mode: Digital.Output }); led.write(1);`,
      `const led = new Digital({ pin: 25, mode: Digital.OutputOpenDrain }); led.write(1);`,
      `const led = new Digital({ pin: 25, mode: m }); led.write(1);`,
      `const led = new Digital({ pin: 32, mode: 8 }); led.write(1);`,
      `const led = new Digital({ ...o, pin: 25, mode: 8 }); led.write(1);`,
      `const led = new Digital({ pin: 25, mode: 8 }, 2); led.write(1);`,
      `const led = new Digital(options); led.write(1);`,
      `const led = new Other({ pin: 25, mode: 8 }); led.write(1);`,
      `const led = new Digital({ pin: 25, mode: 8 }); led.write(next());`,
      `const led = new Digital({ pin: 25, mode: 8 }); led.write(a = 1);`,
      `function g() { const Digital = Fake; } const led = new Digital({ pin: 25, mode: 8 }); led.write(1);`,
      `const led = new Digital({ pin: 25, mode: 0 }); led.write(1);`,
      `const led = new Digital({ pin: 25, mode: 8 }); led.read();`,
    ];
    for (const code of none) expect(sites(code), code).toEqual([]);
  });

  // Law: an instance that escapes (anything but d.write(x), d.read(), d.pin) is never inlined,
  // wherever the escaping use is: it could be closed, and a closed instance must throw.
  const escapes = [
    'led.close()',
    'f(led)',
    'export { led }',
    'led[k](1)',
    'const { write } = led',
    'const w = led.write',
    'x = { led }',
    'led.write(1, 2)',
    'led.write()',
    'led.pin = 3',
    'led?.write(1)',
    'led.write?.(1)',
    'delete led.pin',
    'led.target = 1',
    '[led]',
    'void led',
  ];
  it('an instance that escapes keeps every call (property: any escaping use, anywhere after it)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...escapes), fc.nat({ max: 3 }), fc.boolean(), (use, at, nested) => {
        const body = ['led.write(1);', 'led.write(v);', 'trace(led.pin);'];
        body.splice(at, 0, nested && !use.startsWith('export') ? `function later() { ${use}; }` : `${use};`);
        const code = `const led = new Digital({ pin: 25, mode: Digital.Output });\n${body.join('\n')}`;
        return sites(code).length === 0;
      }),
    );
    expect(sites('const led = new Digital({ pin: 25, mode: Digital.Output });\nled.write(1);\nled.write(v);\ntrace(led.pin);')).toHaveLength(2);
  });

  it('the inline text: guard on the direct HAL and the instance, 0/1 only, the call as the fallback', () => {
    const direct = { set: 0xd0000014, clear: 0xd0000018, input: 0xd0000004 };
    expect(inlineSite({ op: 'write', instance: 'led', pin: 25, value: 'on' }, direct, 'led.write(on)')).toBe(
      '((__vllsiIoDirect && led && (on === 1 || on === 0)) ? void __vllsiIoDirect.store32(on === 1 ? 0xd0000014 : 0xd0000018, 0x2000000) : led.write(on))',
    );
    expect(inlineSite({ op: 'read', instance: 'b', pin: 31 }, direct, 'b.read()')).toBe(
      '((__vllsiIoDirect && b) ? ((__vllsiIoDirect.load32(0xd0000004) & 0x80000000) === 0 ? 0 : 1) : b.read())',
    );
  });
});

describe('inlined and called bundles in real XS', () => {
  type Worker = { compute(code: string): Promise<number>; close(): Promise<void> };
  let worker: Worker;
  let last: unknown;
  const codes: { inlined: string; called: string; count: number } = { inlined: '', called: '', count: 0 };
  beforeAll(async () => {
    worker = await xsWorker({ onCommand: (msg: Uint8Array) => void (last = JSON.parse(new TextDecoder().decode(msg))) });
    const plugin = xsInline();
    codes.inlined = await bundleForXs('test/tools/fixtures/inline-digital.ts', 'app', [plugin]);
    codes.count = plugin.api.inlinedCount().digital;
    codes.called = await bundleForXs('test/tools/fixtures/inline-digital.ts', 'app');
  }, 120_000);
  afterAll(() => worker?.close());

  const runIn = async (code: string, call: string) => {
    last = undefined;
    await worker.compute(`${code}; issueCommand(new TextEncoder().encode(JSON.stringify(${call})).buffer);`);
    return last;
  };

  it('every constant-pin site is inlined (writes, reads), the rest stays', () => {
    expect(codes.count).toBe(9); // run: 4 writes, 3 reads; early: 2 writes
    // The inlined site reads the bound HAL (src/platform.ts directHal) itself.
    expect(codes.inlined).toMatch(
      /\(\(directHal\w* && led && \(v === 1 \|\| v === 0\)\) \? void directHal\w*\.store32\(v === 1 \? 0xd0000014 : 0xd0000018, 0x2000000\) : led\.write\(v\)\)/,
    );
    expect(codes.called).not.toMatch(/&& led &&/);
  });

  it('the same stores, values and errors for any values written (0, 1 and the refused ones)', async () => {
    const value = fc.oneof(fc.constantFrom(0, 1), fc.constantFrom(2, -1, 0.5, true, '1', null, undefined, NaN, 1n as unknown));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 6 }), async (values) => {
        const args = JSON.stringify(values.map((v) => (typeof v === 'bigint' ? '__1n' : v === undefined ? '__undefined' : Number.isNaN(v) ? '__NaN' : v)))
          .replace(/"__1n"/g, '1n')
          .replace(/"__undefined"/g, 'undefined')
          .replace(/"__NaN"/g, 'NaN');
        const inlined = (await runIn(codes.inlined, `app.run(${args})`)) as string[];
        const called = (await runIn(codes.called, `app.run(${args})`)) as string[];
        expect(inlined).toEqual(called);
        expect(inlined).toContain('ready');
      }),
      { numRuns: 25 },
    );
    const log = (await runIn(codes.inlined, 'app.run([1, 0, 2])')) as string[];
    expect(log.slice(log.indexOf('ready'))).toEqual([
      'ready',
      'd0000014=2000000',
      '-> undefined',
      'd0000018=2000000',
      '-> undefined',
      'throws RangeError', // IoRangeError, a RangeError by name as the standard wants
      '-> 1',
      '-> 0',
      'd0000014=2000000', // through the gate
      '-> undefined',
      'throws RangeError',
      'throws RangeError',
      'throws HalNotBound',
    ]);
  });

  it('a use before the constructor ran is the same ReferenceError', async () => {
    const inlined = await runIn(codes.inlined, 'app.early()');
    expect(inlined).toEqual(await runIn(codes.called, 'app.early()'));
    expect(inlined).toEqual(expect.arrayContaining(['throws ReferenceError', '-> undefined']));
  });
});
