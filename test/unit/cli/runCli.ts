import { main } from '../../../server/src/cli/main';
import type { CliIo } from '../../../server/src/cli/io';

/**
 * Runs `endpoint-lens ARGS` in-process from `cwd` and returns the exit code and what it printed.
 * `check` reads the shipped catalogue unless the test names a cache: the machine's own cache is
 * never read by a test.
 */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd };
  const code = await main(args[0] === 'check' && !args.includes('--cache') && !args.includes('--shipped') ? [...args, '--shipped'] : args, io);
  return { code, out, err };
}
