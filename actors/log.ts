// A small logger for actor nodes: one line per record on stderr, prefixed with the actor, so the
// interleaved output of a local cluster stays readable. GRANNY_LOG=debug|info|warn|error|silent.
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
type Level = (typeof LEVELS)[number];

export function createLogger(actor: string, level: string = process.env.GRANNY_LOG ?? "info"): Logger {
  const min = Math.max(0, LEVELS.indexOf(level as Level));
  const at = (lvl: Level) => (msg: string) => {
    if (LEVELS.indexOf(lvl) >= min)
      process.stderr.write(`[${actor}] ${lvl === "info" ? "" : `${lvl}: `}${msg}\n`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
