// Crash-test writer: rewrites the file with atomicWrite in a loop, one version after
// another, until it is killed. Prints "ready" once before the first write.
import { installHostOs } from '../../host-sim/os/index.js';
import { atomicWrite } from '../../src/index.js';
import { versionBytes } from './content.js';

installHostOs();
const [file, from] = [process.argv[2]!, Number(process.argv[3])];
process.stdout.write('ready\n');
for (let v = from; ; v++) atomicWrite(file, versionBytes(v));
