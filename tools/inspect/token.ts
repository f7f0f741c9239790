// The console unlock token for `vllsi inspect write`: from a file, the environment or a
// prompt, never from the command line (where `ps` shows it to every user).
import { UsageError } from '../command.js';
import { readText } from '../files.js';

export const TOKEN_ENV = 'VLLSI_CONSOLE_TOKEN';

/** `--token-file FILE` first, then $VLLSI_CONSOLE_TOKEN, then a prompt when stdin is a terminal. */
export async function readToken(file: string | undefined): Promise<string> {
  const token = file !== undefined ? readText(file).trim() : (process.env[TOKEN_ENV] ?? (process.stdin.isTTY ? await prompt() : undefined));
  if (token === undefined) throw new UsageError(`write needs the board's unlock token: --token-file FILE, ${TOKEN_ENV}, or a terminal to prompt on`);
  if (!/^[!-~]{1,128}$/.test(token))
    throw new UsageError(`the unlock token${file !== undefined ? ` in ${file}` : ''} must be 1 to 128 printable characters without spaces`);
  return token;
}

/** Reads a line from the terminal without echoing it. */
function prompt(): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write('console unlock token (not shown): ');
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (e?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (e) reject(e);
      else resolve(text);
    };
    const onData = (b: Buffer) => {
      for (const c of b.toString('utf8')) {
        if (c === '\r' || c === '\n') return done();
        if (c === '\u0003' || c === '\u0004') return done(new UsageError('no unlock token given'));
        text = c === '\u007f' || c === '\b' ? text.slice(0, -1) : text + c;
      }
    };
    stdin.on('data', onData);
  });
}
