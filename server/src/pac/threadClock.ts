import { readFileSync } from 'node:fs';

/** Linux reports thread times in clock ticks of 10 ms (USER_HZ is 100 on every architecture Node runs on). */
const MS_PER_TICK = 10;

/**
 * Milliseconds of CPU the calling thread has used, so a PAC budget measures the program's work and
 * not how busy the machine is (a loaded CI runner must give the same findings as an idle laptop).
 * Where the kernel does not say (not Linux), wall-clock time stands in.
 */
export function threadCpuClock(): () => number {
  if (readThreadCpuMs() === undefined) return () => Date.now();
  // A read that fails later stops this clock rather than mixing in another; the wall-clock backstop still ends the run.
  let last = 0;
  return () => (last = readThreadCpuMs() ?? last);
}

function readThreadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'latin1');
  } catch {
    return undefined;
  }
  // The command name in parentheses may hold spaces; the fields after it are fixed: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? (user + system) * MS_PER_TICK : undefined;
}
