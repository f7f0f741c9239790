// XS's standard-syntax host functions: `native("xs_name")` is resolved by the XS
// compiler (xsc) at build time to the C function `void xs_name(xsMachine *the)`;
// the name must be a string literal. Not in @moddable/typings 5.6, hence declared here.
declare function native<F extends (...args: any[]) => any = (...args: any[]) => any>(name: string): F;
