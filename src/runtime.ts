// The heap/async/OS-memory entry points of the profile this build is for. RUNTIME_PROFILE
// is a build-time constant, so in a bundle each choice below folds and the other
// profile's implementation is tree-shaken away (a no_runtime bundle contains no
// allocator). Tests reach each implementation through its own module.
import { RUNTIME_PROFILE } from './profile.js';
import * as embedded from './embedded.js';
import * as blocking from './block_on.js';
import * as none from './no_runtime.js';
import * as osMemory from './os_memory.js';

const NONE = RUNTIME_PROFILE === 'no_runtime';

export const stackAlloc = NONE ? none.stackAlloc : embedded.stackAlloc;
export const stackAllocOffset = NONE ? none.stackAllocOffset : embedded.stackAllocOffset;
export const stackMark = NONE ? none.stackMark : embedded.stackMark;
export const stackReset = NONE ? none.stackReset : embedded.stackReset;
export const stackStats = NONE ? none.stackStats : embedded.stackStats;
export const stackArena = NONE ? none.stackArena : embedded.stackArena;
export const initStackArena: (arena?: ArrayBuffer | number) => unknown = NONE ? none.initStackArena : embedded.initStackArena;
export const hasStackArena = NONE ? none.hasStackArena : embedded.hasStackArena;
export const releaseStackArena = NONE ? none.releaseStackArena : embedded.releaseStackArena;
export const blockOn: typeof blocking.blockOn = NONE ? none.blockOn : blocking.blockOn;

export const initOsMemory: (cfg: osMemory.OsMemoryConfig) => void = NONE ? none.initOsMemory : osMemory.initOsMemory;
export const osAlloc = NONE ? none.osAlloc : osMemory.osAlloc;
export const osAllocAligned = NONE ? none.osAllocAligned : osMemory.osAllocAligned;
export const osAllocHuge = NONE ? none.osAllocHuge : osMemory.osAllocHuge;
export const osFree = NONE ? none.osFree : osMemory.osFree;
export const osProtect = NONE ? none.osProtect : osMemory.osProtect;
export const osAdvise = NONE ? none.osAdvise : osMemory.osAdvise;
