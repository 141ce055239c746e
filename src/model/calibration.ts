// Isotonic calibration fitted with pool-adjacent-violators on the validation window: a monotone map from the raw
// probability to the observed positive rate. Ranking (AUC) is unchanged up to ties; probabilities become honest.
export type Calibration = { kind: "none" } | { kind: "isotonic"; x: number[]; y: number[] };

export const NO_CALIBRATION: Calibration = { kind: "none" };

export function fitIsotonic(p: ArrayLike<number>, label: Uint8Array): Calibration {
  const n = p.length;
  if (n === 0) return NO_CALIBRATION;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p[a] - p[b] || a - b);
  // blocks: [xmin, xmax, sum of labels, count]; equal scores always share a block
  const xmin: number[] = [];
  const xmax: number[] = [];
  const sum: number[] = [];
  const cnt: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const x = p[i];
    if (xmin.length && xmax[xmax.length - 1] === x) {
      sum[sum.length - 1] += label[i];
      cnt[cnt.length - 1] += 1;
    } else {
      xmin.push(x);
      xmax.push(x);
      sum.push(label[i]);
      cnt.push(1);
    }
    // merge while the last block's mean is below the previous one's
    while (sum.length > 1) {
      const j = sum.length - 1;
      if (sum[j - 1] / cnt[j - 1] <= sum[j] / cnt[j]) break;
      sum[j - 1] += sum[j];
      cnt[j - 1] += cnt[j];
      xmax[j - 1] = xmax[j];
      sum.pop();
      cnt.pop();
      xmin.pop();
      xmax.pop();
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < sum.length; j++) {
    const v = sum[j] / cnt[j];
    x.push(xmin[j]);
    y.push(v);
    if (xmax[j] !== xmin[j]) {
      x.push(xmax[j]);
      y.push(v);
    }
  }
  return { kind: "isotonic", x, y };
}

/** Calibrated probability: linear between fitted points, flat beyond the ends. */
export function applyCalibration(c: Calibration, p: number): number {
  if (c.kind === "none") return p;
  const { x, y } = c;
  const n = x.length;
  if (p <= x[0]) return y[0];
  if (p >= x[n - 1]) return y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= p) lo = mid;
    else hi = mid;
  }
  const t = (p - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

export function checkCalibration(c: unknown): c is Calibration {
  if (!c || typeof c !== "object") return false;
  const o = c as Record<string, unknown>;
  if (o.kind === "none") return true;
  if (o.kind !== "isotonic" || !Array.isArray(o.x) || !Array.isArray(o.y)) return false;
  const x = o.x as unknown[];
  const y = o.y as unknown[];
  if (x.length === 0 || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== "number" || typeof y[i] !== "number") return false;
    if (i > 0 && ((x[i] as number) < (x[i - 1] as number) || (y[i] as number) < (y[i - 1] as number))) return false;
  }
  return true;
}
