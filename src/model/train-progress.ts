// Training progress: on a terminal one redrawn line (round, losses, AUCs, elapsed); otherwise a pino line every
// `everyRounds` rounds, so CI and Argo logs show how training goes without flooding.
import type { Logger } from "../util/log.js";

export interface RoundInfo {
  round: number;
  /** the eval metric on (a sample of) the training rows and on the validation rows, when there are any */
  train?: number;
  valid?: number;
  trainAuc?: number;
  validAuc?: number;
  bestRound: number;
}

export interface TrainProgress {
  round(info: RoundInfo, full: boolean): void;
  done(extra: Record<string, unknown>): void;
}

const fmt = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(5));

export function trainProgress(
  log: Logger | undefined,
  opts: { total: number; everyRounds: number; tty?: boolean; metric?: string },
): TrainProgress {
  const metric = opts.metric ?? "logloss";
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  const start = Date.now();
  let lastDraw = 0;
  return {
    round(info, full) {
      const elapsed = (Date.now() - start) / 1000;
      if (tty && log) {
        const now = Date.now();
        if (!full && now - lastDraw < 100) return;
        lastDraw = now;
        process.stderr.write(
          `\rtrain: round ${info.round + 1}/${opts.total} train ${metric} ${fmt(info.train)} auc ${fmt(info.trainAuc)}` +
            ` | valid ${metric} ${fmt(info.valid)} auc ${fmt(info.validAuc)} | best ${info.bestRound + 1} | ${elapsed.toFixed(1)}s\x1b[K`,
        );
      } else if (log && full) {
        log.info(
          {
            round: info.round + 1,
            [`train_${metric}`]: info.train,
            train_auc: info.trainAuc,
            [`valid_${metric}`]: info.valid,
            valid_auc: info.validAuc,
            best_round: info.bestRound + 1,
            elapsed_s: Number(elapsed.toFixed(1)),
          },
          "training",
        );
      }
    },
    done(extra) {
      if (tty && log) process.stderr.write("\n");
      log?.info({ elapsed_s: Number(((Date.now() - start) / 1000).toFixed(1)), ...extra }, "training done");
    },
  };
}
