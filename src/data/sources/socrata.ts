import { RodentError } from "../../errors.js";
import type { Logger } from "../../util/log.js";
import type { DatasetName } from "../records.js";
import { flattenRecord } from "./formats/json.js";
import type { TableStream } from "./formats/table.js";

/** The two NYC Open Data datasets we pull. Paging orders by the system row id `:id`, which never changes. */
export const SOCRATA_DATASETS: { dataset: DatasetName; id: string; dateColumn: string }[] = [
  { dataset: "inspections", id: "43nn-pn8j", dateColumn: "inspection_date" },
  { dataset: "rat_sightings", id: "3q43-55fe", dateColumn: "created_date" },
];

/** Incremental pulls re-read this many days before the watermark, so late edits and late rows are caught. */
export const OVERLAP_DAYS = 14;

export interface SocrataOptions {
  baseUrl: string;
  appToken?: string;
  pageSize?: number;
  maxRetries?: number;
  /** First backoff; doubles per attempt up to maxDelayMs. A Retry-After header takes precedence. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  log: Logger;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterMs(h: string | null, now = Date.now()): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/** GET JSON with retries on 429, 5xx and network errors (exponential backoff, honouring Retry-After). */
export async function getJsonWithRetry(url: string, opts: SocrataOptions): Promise<unknown> {
  const maxRetries = opts.maxRetries ?? 5;
  const base = opts.baseDelayMs ?? 1000;
  const maxDelay = opts.maxDelayMs ?? 60_000;
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.appToken) headers["X-App-Token"] = opts.appToken;
  let last = "";
  for (let attempt = 0; ; attempt++) {
    let retryAfter: number | null = null;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000) });
      if (res.ok) return await res.json();
      const body = (await res.text()).slice(0, 300);
      last = `HTTP ${res.status} ${body}`;
      if (res.status !== 429 && res.status < 500)
        throw new RodentError("RODENT_ERR_SOURCE", `Socrata GET ${url} failed: ${last}`, { url, status: res.status });
      retryAfter = retryAfterMs(res.headers.get("retry-after"));
    } catch (e) {
      if (e instanceof RodentError) throw e;
      last = `${(e as Error).name}: ${(e as Error).message}`;
    }
    if (attempt >= maxRetries)
      throw new RodentError("RODENT_ERR_SOURCE", `Socrata GET ${url} failed after ${attempt + 1} attempts: ${last}`, {
        url,
        attempts: attempt + 1,
      });
    const delay = Math.min(maxDelay, retryAfter ?? base * 2 ** attempt);
    opts.log.warn({ url, attempt: attempt + 1, delay_ms: delay, error: last }, "socrata request failed; retrying");
    await sleep(delay);
  }
}

/** SoQL floating timestamp literal for a date or instant. */
function soqlTimestamp(d: string): string {
  return d.length === 10 ? `${d}T00:00:00` : d.slice(0, 19);
}

export function pageUrl(
  opts: SocrataOptions,
  datasetId: string,
  p: { limit: number; offset: number; where?: string },
): string {
  const q = new URLSearchParams({ $limit: String(p.limit), $offset: String(p.offset), $order: ":id" });
  if (p.where) q.set("$where", p.where);
  return `${opts.baseUrl}/resource/${datasetId}.json?${q.toString()}`;
}

/**
 * All rows of a dataset (optionally those dated on/after `since`) as a stream of cells under `columns`.
 * Pages until a page comes back shorter than the page size (or empty).
 */
export function socrataTable(
  def: { id: string; dateColumn: string },
  columns: readonly string[],
  opts: SocrataOptions & { since?: string; onPage?: (rows: number) => void },
): TableStream {
  const seen = new Set<string>();
  const limit = opts.pageSize ?? 50_000;
  const where = opts.since ? `${def.dateColumn} >= '${soqlTimestamp(opts.since)}'` : undefined;
  async function* batches(): AsyncGenerator<string[][]> {
    for (let offset = 0; ; offset += limit) {
      const url = pageUrl(opts, def.id, { limit, offset, where });
      const page = await getJsonWithRetry(url, opts);
      if (!Array.isArray(page))
        throw new RodentError("RODENT_ERR_SOURCE", `Socrata GET ${url} did not return a JSON array`, { url });
      opts.onPage?.(page.length);
      const batch: string[][] = [];
      for (const obj of page) {
        const m = flattenRecord(obj);
        for (const k of m.keys()) seen.add(k);
        batch.push(columns.map((c) => m.get(c) ?? ""));
      }
      if (batch.length > 0) yield batch;
      if (page.length < limit) return;
    }
  }
  return { columns: [...columns], batches: batches(), seenColumns: seen };
}
