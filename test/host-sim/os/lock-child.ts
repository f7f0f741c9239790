// A second real process for the locking tests: holds locks through the public API on
// its own descriptor and answers one JSON line per command read from stdin.
import fs from 'node:fs';
import readline from 'node:readline';
import { installHostOs } from '../../../host-sim/os/index.js';
import { fileDesc, tryLock, unlock, LockConflict, type LockHandle, type LockKind } from '../../../src/index.js';

installHostOs();
const fd = fileDesc(fs.openSync(process.argv[2]!, 'r+'));
const handles = new Map<number, LockHandle>();
let next = 1;

const reply = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
reply({ ready: true, pid: process.pid });
for await (const line of readline.createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as { op: string; start: number; length: number; kind: LockKind; id: number };
  try {
    if (cmd.op === 'lock') {
      const id = next++;
      handles.set(id, tryLock(fd, { start: cmd.start, length: cmd.length }, cmd.kind));
      reply({ ok: true, id });
    } else if (cmd.op === 'unlock') {
      unlock(handles.get(cmd.id)!);
      handles.delete(cmd.id);
      reply({ ok: true });
    }
  } catch (e) {
    reply({ ok: false, kind: (e as { kind?: string }).kind, ownerPid: e instanceof LockConflict ? (e.ownerPid ?? null) : null, message: String(e) });
  }
}
