// Waiting for this process to go quiet before a timed run. A granny job leaves work behind in the
// bench process when it returns: the worker pool starts replacements for the workers the job
// used (tens of milliseconds of CPU each) and warms them up. Measured after a two-thread OpenMP
// job: about two cores busy for 60-70 ms. A native baseline started at once shared the cores
// with that, which inflated the baseline's time and flattered our ratio; a granny run started at
// once would be slowed the same way.

const WINDOW_MS = 20;
/** Share of one core this process may use in a window and still count as quiet. */
const QUIET_SHARE = 0.05;
const QUIET_WINDOWS = 3;
const TIMEOUT_MS = 10_000;

/** Resolves once this process (all its threads) has used almost no CPU for three windows in a row. */
export async function untilQuiet(): Promise<void> {
  const start = performance.now();
  let quiet = 0;
  while (quiet < QUIET_WINDOWS) {
    if (performance.now() - start > TIMEOUT_MS) {
      process.stderr.write(`bench: the process stayed busy for ${TIMEOUT_MS / 1000} s; measuring anyway\n`);
      return;
    }
    const cpu = process.cpuUsage();
    const t = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const used = process.cpuUsage(cpu);
    const share = (used.user + used.system) / 1000 / (performance.now() - t);
    quiet = share < QUIET_SHARE ? quiet + 1 : 0;
  }
}
