import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  sandbox,
  checkPermission,
  checkRegister,
  isPermitted,
  policyAllows,
  activePolicies,
  defineEntryPoints,
  ENTRY_POINTS,
  PermissionDenied,
  PERMISSION_SCOPES,
  type PermissionPolicy,
  type PermissionRule,
  type PermissionScope,
} from '../../src/permissions.js';
import { InvalidArgument, VllsiError } from '../../src/errors.js';
import { bindHal, directHal, registerGate, unbindHal } from '../../src/platform.js';
import { MemHal } from '../support/mem-hal.js';
import { runs } from '../support/env.js';
import { thrown } from '../support/thrown.js';
import { volatileLoad, volatileStore } from '../../src/mmio.js';
import { peripheral } from '../../src/peripheral.js';

const IO_BANK0 = { scope: 'register', from: 0x40014000, to: 0x40015000 } as const;

describe('permissions: sandbox', () => {
  it('outside a sandbox everything passes', () => {
    expect(() => checkRegister(0xd0000000)).not.toThrow();
    expect(() => checkPermission('file', '/etc/passwd')).not.toThrow();
    expect(activePolicies()).toEqual([]);
  });

  it('allow-list: only the listed (scope, target) pairs pass; a denial is typed with scope and target', () => {
    sandbox({ allow: [IO_BANK0, { scope: 'file', prefix: '/data/' }, { scope: 'random' }] }, () => {
      expect(() => checkRegister(0x40014004)).not.toThrow();
      expect(() => checkPermission('file', '/data/log.txt')).not.toThrow();
      expect(() => checkPermission('random', 'getrandom')).not.toThrow();
      const e = thrown(() => checkRegister(0x40015000)) as PermissionDenied;
      expect(e).toBeInstanceOf(PermissionDenied);
      expect(e).toBeInstanceOf(VllsiError);
      expect(e.kind).toBe('PermissionDenied');
      expect(e.scope).toBe('register');
      expect(e.target).toBe(0x40015000);
      expect(e.message).toContain('0x40015000');
      const f = thrown(() => checkPermission('file', '/etc/passwd')) as PermissionDenied;
      expect([f.scope, f.target]).toEqual(['file', '/etc/passwd']);
      expect(thrown(() => checkPermission('thread', 'worker.js'))).toBeInstanceOf(PermissionDenied);
    });
    expect(() => checkRegister(0x40015000)).not.toThrow(); // the sandbox ended
  });

  it('a sandbox closes the direct register path (inlined code) and reopens it on exit, even after a throw', () => {
    const hal = new MemHal({ regions: [] });
    const before = bindHal(hal);
    try {
      expect(directHal).toBe(hal);
      expect(registerGate).toBeUndefined();
      expect(() =>
        sandbox({ allow: [IO_BANK0] }, () => {
          expect(directHal).toBeUndefined();
          expect(thrown(() => registerGate!(0x40015000, 4))).toBeInstanceOf(PermissionDenied);
          sandbox({ deny: [] }, () => expect(directHal).toBeUndefined());
          expect(directHal).toBeUndefined(); // the outer sandbox still gates
          throw new Error('out');
        }),
      ).toThrow('out');
      expect(directHal).toBe(hal);
      expect(registerGate).toBeUndefined();
    } finally {
      if (before) bindHal(before);
      else unbindHal();
    }
  });

  it('deny-list: everything passes but the listed pairs', () => {
    sandbox({ deny: [IO_BANK0, { scope: 'thread' }] }, () => {
      expect(thrown(() => checkRegister(0x40014ffc))).toBeInstanceOf(PermissionDenied);
      expect(() => checkRegister(0x40013ffc)).not.toThrow();
      expect(thrown(() => checkPermission('thread', 'x'))).toBeInstanceOf(PermissionDenied);
      expect(isPermitted('file', '/x')).toBe(true);
    });
  });

  it('nested sandboxes only narrow, and the outer one is restored after a throw', () => {
    sandbox({ deny: [{ scope: 'file', prefix: '/secret' }] }, () => {
      expect(() =>
        sandbox({ allow: [{ scope: 'file' }] }, () => {
          expect(isPermitted('file', '/secret/key')).toBe(false); // the inner allow cannot widen
          expect(isPermitted('file', '/tmp/a')).toBe(true);
          expect(isPermitted('register', 0)).toBe(false);
          expect(activePolicies()).toHaveLength(2);
          throw new Error('out');
        }),
      ).toThrow('out');
      expect(isPermitted('register', 0)).toBe(true);
      expect(activePolicies()).toHaveLength(1);
    });
  });

  it('bad policies are typed errors and start no sandbox', () => {
    for (const p of [
      {},
      { allow: [{ scope: 'disk' }] },
      { deny: [{ scope: 'register', from: 4 }] },
      { deny: [{ scope: 'register', from: 8, to: 4 }] },
      { allow: [{ scope: 'file', prefix: 3 }] },
    ]) {
      let ran = false;
      expect(thrown(() => sandbox(p as PermissionPolicy, () => (ran = true)))).toBeInstanceOf(InvalidArgument);
      expect(ran).toBe(false);
    }
  });

  it('property: the cached decision always equals the policy evaluated afresh (cold and warm)', () => {
    const scope = fc.constantFrom(...PERMISSION_SCOPES);
    const rule: fc.Arbitrary<PermissionRule> = fc.oneof(
      scope.map((s) => ({ scope: s })),
      fc.tuple(scope, fc.nat(64), fc.nat(64)).map(([s, a, b]) => ({ scope: s, from: Math.min(a, b), to: Math.max(a, b) })),
      fc.tuple(scope, fc.constantFrom('', '/a', '/a/b', '/c')).map(([s, prefix]) => ({ scope: s, prefix })),
    );
    const policy: fc.Arbitrary<PermissionPolicy> = fc
      .record({ allow: fc.array(rule, { maxLength: 4 }), deny: fc.array(rule, { maxLength: 4 }) }, { requiredKeys: [] })
      .filter((p) => p.allow !== undefined || p.deny !== undefined);
    const target = fc.oneof(fc.nat(70), fc.constantFrom('/a', '/a/b/c', '/c/d', 'x'));
    fc.assert(
      fc.property(fc.array(policy, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(scope, target), { maxLength: 20 }), (policies, probes) => {
        const run = (i: number): void => {
          if (i < policies.length) return sandbox(policies[i]!, () => run(i + 1));
          for (const [s, t] of [...probes, ...probes]) {
            const expected = policies.every((p) => policyAllows(p, s as PermissionScope, t));
            expect(isPermitted(s as PermissionScope, t)).toBe(expected);
            expect(thrown(() => (s === 'register' && typeof t === 'number' ? checkRegister(t) : checkPermission(s as PermissionScope, t))) === undefined).toBe(
              expected,
            );
          }
        };
        run(0);
      }),
      runs(1000, 1000),
    );
  });
});

describe('permissions: the registry pins', () => {
  it('a syscall entry without a scope, or a time/platform/logging entry with one, fails at registry build', () => {
    expect(() => defineEntryPoints([{ name: 'x.raw', category: 'syscall' }])).toThrow(/must carry a permission scope/);
    expect(() => defineEntryPoints([{ name: 'x.now', category: 'time', scope: 'io' }])).toThrow(/must not be permission-gated/);
    expect(() => defineEntryPoints([{ name: 'x.log', category: 'logging', scope: 'file' }])).toThrow(InvalidArgument);
    expect(() =>
      defineEntryPoints([
        { name: 'a.b', category: 'platform' },
        { name: 'a.b', category: 'platform' },
      ]),
    ).toThrow(/twice/);
  });

  it('the shipped registry satisfies them', () => {
    expect(defineEntryPoints(ENTRY_POINTS)).toEqual(ENTRY_POINTS);
    expect(ENTRY_POINTS.some((e) => e.category === 'syscall')).toBe(true);
  });
});

describe('register gate: the whole access and the register it acts on', () => {
  const BASE = 0x40000000;
  const withHal = <T>(fn: (hal: MemHal) => T): T => {
    const hal = new MemHal({ regions: [{ name: 'P', base: BASE, size: 0x4000 }] });
    const previous = bindHal(hal);
    try {
      return fn(hal);
    } finally {
      if (previous) bindHal(previous);
      else unbindHal();
    }
  };

  it('a deny on part of a register stops every access that overlaps it (8, 16, 32 bits)', () => {
    withHal((hal) => {
      const deny = { deny: [{ scope: 'register' as const, from: BASE + 2, to: BASE + 3 }] };
      const escapes: string[] = [];
      for (const [addr, width] of [
        [BASE, 32],
        [BASE + 2, 16],
        [BASE + 2, 8],
        [BASE + 2, 32],
      ] as const) {
        try {
          sandbox(deny, () => volatileStore(addr, 1, width));
          if (addr % (width / 8) === 0) escapes.push(`store${width} ${addr.toString(16)}`);
        } catch (e) {
          if (!(e instanceof PermissionDenied) && !(e instanceof InvalidArgument)) throw e;
        }
      }
      expect(escapes).toEqual([]);
      expect(hal.load32(BASE)).toBe(0);
      sandbox(deny, () => {
        volatileStore(BASE + 3, 1, 8);
        volatileStore(BASE, 1, 16); // the bytes beside the denied one stay reachable
      });
      // A warm cache for an 8-bit access does not let a wider one through.
      sandbox({ deny: [{ scope: 'register', from: BASE + 1, to: BASE + 2 }] }, () => {
        volatileLoad(BASE, 8);
        expect(() => volatileLoad(BASE, 32)).toThrow(PermissionDenied);
      });
    });
  });

  it('atomicSet/Clear/Xor through the RP2040 aliases are checked against the register they act on', () => {
    withHal((hal) => {
      const P = peripheral({ name: 'P', baseAddress: BASE, atomicAliases: true, registers: { CTRL: { addressOffset: 0 } } });
      const deny = { deny: [{ scope: 'register' as const, from: BASE, to: BASE + 4 }] };
      for (const op of ['atomicSet', 'atomicClear', 'atomicXor'] as const) {
        expect(() => sandbox(deny, () => P.CTRL[op](1))).toThrow(PermissionDenied);
      }
      expect([hal.load32(BASE + 0x1000), hal.load32(BASE + 0x2000), hal.load32(BASE + 0x3000)]).toEqual([0, 0, 0]);
    });
  });
});
