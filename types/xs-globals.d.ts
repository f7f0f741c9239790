// Globals every engine we target provides (XS, Node, browsers) that the ES2022 lib
// does not declare. Only what src/ actually needs goes here.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBufferLike): string;
}
