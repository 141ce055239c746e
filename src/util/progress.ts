import type { Logger } from "./log.js";

export interface Progress {
  /** Add n processed units. Cheap: call it per row if you like. */
  tick(n?: number): void;
  /** Print the final line. */
  done(extra?: Record<string, unknown>): void;
}

/**
 * Progress for long work: a redrawn line on a terminal (stderr is a TTY), plain pino log lines
 * every `logEverySeconds` otherwise (CI, Argo pods). Shows units done, elapsed and rate.
 */
export function progress(
  log: Logger,
  label: string,
  opts: { total?: number; unit?: string; logEverySeconds?: number; tty?: boolean } = {},
): Progress {
  const unit = opts.unit ?? "rows";
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  const every = (opts.logEverySeconds ?? 5) * 1000;
  const start = Date.now();
  let count = 0;
  let lastDraw = 0;
  const line = () => {
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0 ? Math.round(count / elapsed) : 0;
    const pct = opts.total ? ` ${((100 * count) / opts.total).toFixed(1)}%` : "";
    return {
      elapsed,
      rate,
      text: `${label}: ${count.toLocaleString("en-US")} ${unit}${pct} ${elapsed.toFixed(1)}s ${rate.toLocaleString("en-US")} ${unit}/s`,
    };
  };
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (tty ? now - lastDraw > 100 : now - lastDraw > every) {
        lastDraw = now;
        const l = line();
        if (tty) process.stderr.write(`\r${l.text}\x1b[K`);
        else log.info({ label, [unit]: count, elapsed_s: Number(l.elapsed.toFixed(1)), rate: l.rate }, "progress");
      }
    },
    done(extra = {}) {
      const l = line();
      if (tty) process.stderr.write(`\r${l.text}\x1b[K\n`);
      log.info(
        { label, [unit]: count, elapsed_s: Number(l.elapsed.toFixed(1)), rate: l.rate, ...extra },
        `${label} done`,
      );
    },
  };
}
