// Hostile SVD inputs (issue #14): each must be refused with a typed error (or, where one element
// is bad, imported without it) within 5 s and 512 MB.
// Shared by test/svd/hostile.test.ts and the child process it runs each case in
// (test/svd/hostile-child.ts), so that every case's time and memory are its own.

const device = (peripherals: string) => `<?xml version="1.0" encoding="utf-8"?>\n<device><name>EVIL</name><peripherals>${peripherals}</peripherals></device>`;
const peripheral = (name: string, body: string, attrs = '') =>
  `<peripheral${attrs}><name>${name}</name><baseAddress>0x40000000</baseAddress>${body}</peripheral>`;
const regs = (n: number) => Array.from({ length: n }, (_, i) => `<register><name>R${i}</name><addressOffset>${i * 4}</addressOffset></register>`).join('');

export interface HostileCase {
  /** The input: text, or bytes. */
  make(): string | Uint8Array;
  /** The error's kind, and what its message says (the element path where there is one). */
  /** 'none' where the file imports (with warnings) rather than being refused. */
  kind: 'SvdError' | 'SvdLimitError' | 'SvdEncodingError' | 'none';
  message: RegExp;
}

export const cases: Record<string, HostileCase> = {
  'a dim of 2,000,000,000': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers><register><dim>2000000000</dim><dimIncrement>4</dimIncrement><name>R[%s]</name><addressOffset>0</addressOffset></register></registers>`,
        ),
      ),
    kind: 'SvdLimitError',
    message: /^peripheral P register R\[%s\]: <dim>2000000000<\/dim> is more than the limit of 65536/,
  },
  'a dimIndex range of 2,000,000,000 names': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers><register><dim>2000000000</dim><dimIncrement>4</dimIncrement><dimIndex>0-1999999999</dimIndex><name>R%s</name><addressOffset>0</addressOffset></register></registers>`,
        ),
      ),
    kind: 'SvdLimitError',
    message: /<dim>2000000000<\/dim> is more than the limit/,
  },
  '20,000 derivedFrom copies of a 1,000-register peripheral': {
    make: () =>
      device(
        peripheral('BASE', `<registers>${regs(1000)}</registers>`) +
          Array.from(
            { length: 20000 },
            (_, i) => `<peripheral derivedFrom="BASE"><name>C${i}</name><baseAddress>${0x50000000 + i * 0x1000}</baseAddress></peripheral>`,
          ).join(''),
      ),
    kind: 'SvdLimitError',
    message: /^peripheral C\d+: the map would have more than 250000 registers/,
  },
  'a peripheral array of 65,536 copies of 1,000 registers': {
    make: () =>
      device(
        `<peripheral><dim>65536</dim><dimIncrement>0x1000</dimIncrement><name>P%s</name><baseAddress>0</baseAddress><registers>${regs(1000)}</registers></peripheral>`,
      ),
    kind: 'SvdLimitError',
    message: /^peripheral P%s: the map would have more than 16384 peripherals/,
  },
  'nested dims of 1000 x 1000 x 256': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers><cluster><dim>1000</dim><dimIncrement>0x100000</dimIncrement><name>A[%s]</name><addressOffset>0</addressOffset><cluster><dim>1000</dim><dimIncrement>0x400</dimIncrement><name>B[%s]</name><addressOffset>0</addressOffset><register><dim>256</dim><dimIncrement>4</dimIncrement><name>R[%s]</name><addressOffset>0</addressOffset></register></cluster></cluster></registers>`,
        ),
      ),
    kind: 'SvdLimitError',
    message: /^peripheral P cluster A\[%s\] cluster B\[%s\] register R\[%s\]: the map would have more than 250000 registers/,
  },
  'clusters nested 40 deep': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers>${'<cluster><name>C</name><addressOffset>0</addressOffset>'.repeat(40)}<register><name>R</name><addressOffset>0</addressOffset></register>${'</cluster>'.repeat(40)}</registers>`,
        ),
      ),
    kind: 'SvdLimitError',
    message: /^peripheral P( cluster C)+: clusters nested more than 32 deep/,
  },
  'elements nested 100,000 deep': {
    make: () => device(peripheral('P', `<registers>${'<cluster>'.repeat(100000)}${'</cluster>'.repeat(100000)}</registers>`)),
    kind: 'SvdError',
    message: /^SVD: not well-formed XML/,
  },
  'a derivedFrom chain of 5,000 registers, each base after the one derived from it': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers>${Array.from({ length: 5000 }, (_, k) => 5000 - k)
            .map((i) => `<register derivedFrom="R${i - 1}"><name>R${i}</name><addressOffset>${4 * i}</addressOffset></register>`)
            .join('')}<register><name>R0</name><addressOffset>0</addressOffset></register></registers>`,
        ),
      ),
    kind: 'SvdLimitError',
    message: /^peripheral P register R\d+: a derivedFrom chain longer than 32/,
  },
  'billion laughs': {
    make: () =>
      `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n')}\n]>\n<device><name>&lol9;</name><peripherals/></device>`,
    kind: 'SvdError',
    message: /^SVD: declares entities/,
  },
  'an undeclared entity reference': {
    make: () => device(peripheral('P', '<registers><register><name>&lol9;</name><addressOffset>0</addressOffset></register></registers>')),
    kind: 'SvdError',
    message: /^SVD: unknown entity reference '&lol9;'/,
  },
  'bytes that are not UTF-8': {
    make: () => new Uint8Array([...new TextEncoder().encode('<device><name>'), 0xc3, 0x28, 0xff, ...new TextEncoder().encode('</name></device>')]),
    kind: 'SvdEncodingError',
    message: /^SVD: not valid utf-8 text/,
  },
  'an encoding nobody knows': {
    make: () => new TextEncoder().encode('<?xml version="1.0" encoding="x-evil-7"?><device/>'),
    kind: 'SvdEncodingError',
    message: /unknown encoding 'x-evil-7'/,
  },
  'a 65 MB file': {
    make: () => device(`<!--${'x'.repeat(65 * 2 ** 20)}-->`),
    kind: 'SvdLimitError',
    message: /^SVD: \d+ bytes, more than the limit of 67108864/,
  },
  'two fields of 65,536 instances past their register (a warning each)': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers><register><name>R</name><addressOffset>0</addressOffset><fields>${[0, 1].map((i) => `<field><dim>65536</dim><dimIncrement>1</dimIncrement><name>F${i}_%s</name><bitOffset>40</bitOffset></field>`).join('')}</fields></register></registers>`,
        ),
      ),
    kind: 'SvdLimitError',
    message: /^peripheral P register R field F1_\d+: more than 100000 warnings/,
  },
  // Not refused: one bad element is skipped with a warning, quickly.
  'a number of 10,000 digits': {
    make: () =>
      device(
        peripheral(
          'P',
          `<registers><register><name>R</name><addressOffset>0</addressOffset><resetValue>0x${'f'.repeat(10000)}</resetValue></register><register><name>OK</name><addressOffset>4</addressOffset></register></registers>`,
        ),
      ),
    kind: 'none',
    message: /^imported: 1 peripherals, 1 registers, 1 warnings: peripheral P register R: <resetValue>: number '0xffff.*' is more than 64 bits; skipped$/,
  },
};
