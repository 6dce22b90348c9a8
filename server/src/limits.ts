/**
 * Every bound on the work Endpoint Lens does for one file. A file that goes past one gets an
 * `analysis-limit` finding saying which bound and where reading stopped, and the process goes on;
 * the README's reliability section lists these values.
 */

/**
 * Documents larger than this (in UTF-16 code units) are not analysed in the editor, so the server
 * never freezes while they are typed in; the command line passes its own, higher size limit.
 */
export const EDITOR_MAX_ANALYSED_BYTES = 5 * 1024 * 1024;

/** Characters on one line; reading stops at the first longer line. */
export const MAX_LINE_LENGTH = 512 * 1024;

/** Blocks and brackets inside one another (nginx blocks, nftables braces and sets, PAC brackets). */
export const MAX_NESTING_DEPTH = 100;

/**
 * Statements and expressions inside one another as the JavaScript parser of a PAC file descends
 * (unbraced `else if` chains, operators, brackets); it keeps that parser far from the end of the
 * smallest thread stack it runs on.
 */
export const MAX_PAC_SYNTAX_DEPTH = 600;

/** Rules evaluated per file; later rules are parsed but not evaluated. */
export const MAX_RULES = 100_000;

/** Characters one shell variable of an iptables script may grow to by expansion. */
export const MAX_VARIABLE_LENGTH = 256 * 1024;

/** Tokens (words and punctuation) one nftables `define` may expand to. */
export const MAX_DEFINE_TOKENS = 100_000;

/** Cisco object-groups nested through `group-object`. */
export const MAX_OBJECT_GROUP_DEPTH = 32;

/** iptables/nftables jumps followed from one chain into the next. */
export const MAX_JUMP_DEPTH = 64;

/** Rules in a row whose match the file cannot settle (each splits the evaluation in two). */
export const MAX_UNCERTAIN_DEPTH = 256;

/** Rule visits in one evaluation of one flow on one path: every rule of the largest file twice. */
export const MAX_EVALUATION_STEPS = 2 * MAX_RULES;

/** Characters of the pattern that combines the host tests on the way to one PAC `return`. */
export const MAX_HOST_PATTERN_LENGTH = 16 * 1024;

/**
 * Budget of PAC runs: a real PAC file answers a hundred hosts in tens of milliseconds; a hostile
 * one is cut off, so it holds the server up once per edit for at most the total.
 */
export const PAC_BUDGET = {
  /** One run: loading the program, or one FindProxyForURL call. */
  timeoutMs: 300,
  /** The QuickJS heap of one file's runs. */
  memoryBytes: 32 * 1024 * 1024,
  /** All runs of one file together. */
  totalTimeoutMs: 1500,
} as const;

/**
 * PAC budgets count the PAC thread's CPU time, so a busy machine gives the same answers as an idle
 * one; wall-clock time also ends a run at this multiple of its budget, so a thread starved of CPU
 * cannot hold the analysis up without end.
 */
export const PAC_WALL_CLOCK_FACTOR = 10;

/** Budget of "Test this PAC file against the catalogue", which asks about more hosts and is run on request. */
export const PAC_REPORT_BUDGET = {
  timeoutMs: 500,
  memoryBytes: 32 * 1024 * 1024,
  totalTimeoutMs: 10_000,
} as const;

/** QuickJS's own stack, so deep recursion in a PAC program ends as a stack overflow. */
export const PAC_STACK_BYTES = 96 * 1024;

/** JavaScript heap of the thread PAC programs run in (QuickJS's heap is capped separately). */
export const PAC_THREAD_HEAP_MB = 256;

/** JavaScript heap of the language server's analysis thread; a file that needs more is not analysed. */
export const ANALYSIS_THREAD_HEAP_MB = 1024;

/** Time an analysis thread of `check` may take to load before its files are reported as not analysed. */
export const THREAD_START_TIMEOUT_MS = 60_000;

/** Includes inside includes (nft allows 16 levels; nginx has no bound of its own, so the same is used). */
export const MAX_INCLUDE_DEPTH = 16;

/** Files one configuration may bring in through its includes (a glob matching a whole folder counts each). */
export const MAX_INCLUDED_FILES = 1000;

/** Files of a workspace the language server looks at for its include graph and "Check workspace". */
export const MAX_WORKSPACE_FILES = 5000;
