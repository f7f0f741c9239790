// The error `fn` throws, asserted to be an instance of `cls` (fails the test if it throws nothing).
import { expect } from 'vitest';

export function caught<E>(fn: () => unknown, cls: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return e as E;
  }
  throw new Error(`expected ${cls.name} to be thrown, nothing was`);
}
