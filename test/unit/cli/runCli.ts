import { main } from '../../../server/src/cli/main';
import type { CliIo } from '../../../server/src/cli/io';

/** Runs `endpoint-lens ARGS` in-process from `cwd` and returns the exit code and what it printed. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd };
  const code = await main(args, io);
  return { code, out, err };
}
