/** What `f` throws, or undefined when it returns: for asserting on an error's fields. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
