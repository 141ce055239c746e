import type { InspectionRecord } from "../data/index.js";
import { NEVER_INSPECTED_DATE } from "../data/index.js";
import { RodentError } from "../errors.js";
import { dayNumber } from "../util/days.js";
import { lowerBound } from "../util/search.js";
import { bitCount, CODE_BITS, CONDUCIVE_BITS, inspectionCategory, PEST_BITS, RODENT_BITS } from "./labels.js";
import { boroughCode, cuisineCode } from "./place.js";
import { milesX, milesY } from "./projection.js";

// Inspection rows arrive one per violation. They are grouped once, here, into two columnar tables: restaurants and
// inspections (sorted by restaurant, day, type), so every feature family afterwards works on typed arrays.

export interface RestaurantTable {
  n: number;
  camis: string[];
  name: string[];
  address: string[];
  cuisine: string[];
  /** index in BOROUGHS, BOROUGH_UNKNOWN when missing */
  borough: Uint8Array;
  /** index in TOP_CUISINES, CUISINE_OTHER for the rest */
  cuisineCode: Uint8Array;
  lat: Float64Array;
  lon: Float64Array;
  /** projected miles (see projection.ts); NaN without coordinates */
  x: Float64Array;
  y: Float64Array;
  /** Day of the record date of a "not yet inspected" placeholder row; NaN when the restaurant has none;
   *  -Infinity when it has one without a record date. */
  pendingSince: Float64Array;
  /** CSR offsets into InspectionTable: restaurant r owns rows insStart[r] .. insStart[r+1]-1 */
  insStart: Int32Array;
}

export interface InspectionTable {
  n: number;
  rest: Int32Array;
  day: Int32Array;
  /** index into `types` */
  typeId: Uint16Array;
  types: string[];
  /** INSPECTION_CATEGORIES index, NOT_COUNTED for inspections that are not examples */
  category: Uint8Array;
  /** NaN when missing */
  score: Float32Array;
  /** A=1, B=2, C=3; NaN for no grade or pending grades (Z, P, N) */
  grade: Float32Array;
  /** distinct critical violation codes */
  critical: Uint16Array;
  /** CODE_BITS of the violations recorded */
  codes: Uint8Array;
  /** 1 when the action closed the establishment */
  closed: Uint8Array;
  /** Prefix sums over table order (length n+1): counts in rows [a, b) are cum[b] - cum[a]. */
  cumRodent: Int32Array;
  cumPest: Int32Array;
  cumConducive: Int32Array;
  cumCounted: Int32Array;
  /** sum and number of scores of counted inspections, same prefix layout */
  cumScore: Float64Array;
  cumScored: Int32Array;
}

export interface CityTables {
  restaurants: RestaurantTable;
  inspections: InspectionTable;
}

const GRADE_VALUE: Record<string, number> = { A: 1, B: 2, C: 3 };
// Key layout: restaurant (≤ 2^20) | day + DAY_OFFSET (< 2^17) | type id (< 2^10): 47 bits, exact in a double.
const DAY_OFFSET = 40_000;
const MAX_TYPES = 1024;

function isCritical(flag: string): boolean {
  return flag === "Critical" || flag === "Y" || flag === "critical";
}

/** Group violation rows into restaurant and inspection tables. */
export function buildCityTables(records: readonly InspectionRecord[]): CityTables {
  const nRec = records.length;
  const restIndex = new Map<string, number>();
  const typeIndex = new Map<string, number>();
  const types: string[] = [];
  const camis: string[] = [];
  const recRest = new Int32Array(nRec);
  const recKey = new Float64Array(nRec);
  const placeholderDay = dayNumber(NEVER_INSPECTED_DATE);

  // Restaurant attributes come from the restaurant's earliest record carrying them, so a later record can never
  // change an earlier inspection's features (point in time); ties keep the first record seen.
  const attrDay: number[] = [];
  const coordDay: number[] = [];
  const name: string[] = [];
  const address: string[] = [];
  const cuisine: string[] = [];
  const borough: number[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const pending: number[] = [];

  const recScore = new Float32Array(nRec).fill(Number.NaN);
  const recGrade = new Uint8Array(nRec);
  const recClosed = new Uint8Array(nRec);
  const recCode = new Int32Array(nRec).fill(-1);
  const recCritical = new Uint8Array(nRec);
  const codeIds = new Map<string, number>();
  const codeBit: number[] = [];

  let nKeys = 0;
  for (let i = 0; i < nRec; i++) {
    const rec = records[i];
    let r = restIndex.get(rec.camis);
    if (r === undefined) {
      r = camis.length;
      restIndex.set(rec.camis, r);
      camis.push(rec.camis);
      attrDay.push(Number.POSITIVE_INFINITY);
      coordDay.push(Number.POSITIVE_INFINITY);
      name.push("");
      address.push("");
      cuisine.push("");
      borough.push(255);
      lat.push(Number.NaN);
      lon.push(Number.NaN);
      pending.push(Number.NaN);
    }
    recRest[i] = r;
    const day = dayNumber(rec.inspectionDate);
    if (day < attrDay[r]) {
      attrDay[r] = day;
      name[r] = rec.dba;
      address[r] = [rec.building, rec.street].filter((s) => s).join(" ") + (rec.zipcode ? `, ${rec.zipcode}` : "");
      cuisine[r] = rec.cuisine;
      borough[r] = boroughCode(rec.boro);
    }
    if (rec.latitude !== null && rec.longitude !== null && day < coordDay[r]) {
      coordDay[r] = day;
      lat[r] = rec.latitude;
      lon[r] = rec.longitude;
    }
    if (day === placeholderDay) {
      const since = rec.recordDate ? dayNumber(rec.recordDate) : Number.NEGATIVE_INFINITY;
      if (!(since >= pending[r])) pending[r] = since;
      recKey[i] = -1;
      continue;
    }
    let t = typeIndex.get(rec.inspectionType);
    if (t === undefined) {
      t = types.length;
      if (t >= MAX_TYPES) {
        throw new RodentError("RODENT_ERR_FILE_FORMAT", `inspections: more than ${MAX_TYPES} inspection types`);
      }
      typeIndex.set(rec.inspectionType, t);
      types.push(rec.inspectionType);
    }
    recKey[i] = (r * 131_072 + (day + DAY_OFFSET)) * MAX_TYPES + t;
    nKeys++;
    // Everything else the second pass needs, captured now: touching a record object is a cache miss, so each
    // record is visited once.
    if (rec.score !== null) recScore[i] = rec.score;
    if (rec.grade !== null) recGrade[i] = GRADE_VALUE[rec.grade] ?? 0;
    if (rec.action && /closed/i.test(rec.action)) recClosed[i] = 1;
    const code = rec.violationCode;
    if (code) {
      let c = codeIds.get(code);
      if (c === undefined) {
        c = codeIds.size;
        if (c >= 65_536) throw new RodentError("RODENT_ERR_FILE_FORMAT", "inspections: over 65536 violation codes");
        codeIds.set(code, c);
        codeBit.push(CODE_BITS[code] ?? 0);
      }
      recCode[i] = c;
      if (isCritical(rec.criticalFlag)) recCritical[i] = 1;
    }
  }

  // Distinct inspection keys, sorted: restaurant-major, then day, then type.
  const keys = new Float64Array(nKeys);
  for (let i = 0, k = 0; i < nRec; i++) if (recKey[i] >= 0) keys[k++] = recKey[i];
  keys.sort();
  let nIns = 0;
  for (let i = 0; i < nKeys; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[nIns++] = keys[i];
  const uniq = keys.subarray(0, nIns);

  const nRest = camis.length;
  const rest = new Int32Array(nIns);
  const day = new Int32Array(nIns);
  const typeId = new Uint16Array(nIns);
  const category = new Uint8Array(nIns);
  const score = new Float32Array(nIns).fill(Number.NaN);
  const grade = new Float32Array(nIns).fill(Number.NaN);
  const critical = new Uint16Array(nIns);
  const codes = new Uint8Array(nIns);
  const closed = new Uint8Array(nIns);
  const typeCategory = types.map(inspectionCategory);
  for (let k = 0; k < nIns; k++) {
    const key = uniq[k];
    const t = key % MAX_TYPES;
    const rd = (key - t) / MAX_TYPES;
    const d = rd % 131_072;
    rest[k] = (rd - d) / 131_072;
    day[k] = d - DAY_OFFSET;
    typeId[k] = t;
    category[k] = typeCategory[t];
  }

  // Second pass, over typed arrays only: violations into their inspection. Critical counts count distinct codes
  // (the export sometimes repeats a row).
  const criticalKeys = new Float64Array(nRec);
  let nCritical = 0;
  let k = -1;
  for (let i = 0; i < nRec; i++) {
    const key = recKey[i];
    if (key < 0) continue;
    // rows of one inspection usually arrive together: reuse the previous lookup
    if (k < 0 || uniq[k] !== key) {
      k = lowerBound(uniq, key, 0, nIns);
    }
    if (Number.isNaN(score[k])) score[k] = recScore[i];
    if (Number.isNaN(grade[k]) && recGrade[i] > 0) grade[k] = recGrade[i];
    closed[k] |= recClosed[i];
    const c = recCode[i];
    if (c >= 0) {
      codes[k] |= codeBit[c];
      if (recCritical[i]) criticalKeys[nCritical++] = k * 65_536 + c;
    }
  }
  const crit = criticalKeys.subarray(0, nCritical).sort();
  for (let j = 0; j < nCritical; j++) {
    if (j > 0 && crit[j] === crit[j - 1]) continue;
    critical[Math.floor(crit[j] / 65_536)]++;
  }

  const insStart = new Int32Array(nRest + 1);
  for (let k = 0; k < nIns; k++) insStart[rest[k] + 1]++;
  for (let r = 0; r < nRest; r++) insStart[r + 1] += insStart[r];

  const cumRodent = new Int32Array(nIns + 1);
  const cumPest = new Int32Array(nIns + 1);
  const cumConducive = new Int32Array(nIns + 1);
  const cumCounted = new Int32Array(nIns + 1);
  const cumScore = new Float64Array(nIns + 1);
  const cumScored = new Int32Array(nIns + 1);
  for (let k = 0; k < nIns; k++) {
    const c = codes[k];
    cumRodent[k + 1] = cumRodent[k] + bitCount(c, RODENT_BITS);
    cumPest[k + 1] = cumPest[k] + bitCount(c, PEST_BITS);
    cumConducive[k + 1] = cumConducive[k] + bitCount(c, CONDUCIVE_BITS);
    cumCounted[k + 1] = cumCounted[k] + (category[k] !== 255 ? 1 : 0);
    const scored = category[k] !== 255 && !Number.isNaN(score[k]);
    cumScore[k + 1] = cumScore[k] + (scored ? score[k] : 0);
    cumScored[k + 1] = cumScored[k] + (scored ? 1 : 0);
  }

  const latA = Float64Array.from(lat);
  const lonA = Float64Array.from(lon);
  const x = new Float64Array(nRest);
  const y = new Float64Array(nRest);
  for (let r = 0; r < nRest; r++) {
    x[r] = milesX(lonA[r]);
    y[r] = milesY(latA[r]);
  }
  const cuisineCodes = new Uint8Array(nRest);
  for (let r = 0; r < nRest; r++) cuisineCodes[r] = cuisineCode(cuisine[r]);

  return {
    restaurants: {
      n: nRest,
      camis,
      name,
      address,
      cuisine,
      borough: Uint8Array.from(borough),
      cuisineCode: cuisineCodes,
      lat: latA,
      lon: lonA,
      x,
      y,
      pendingSince: Float64Array.from(pending),
      insStart,
    },
    inspections: {
      n: nIns,
      rest,
      day,
      typeId,
      types,
      category,
      score,
      grade,
      critical,
      codes,
      closed,
      cumRodent,
      cumPest,
      cumConducive,
      cumCounted,
      cumScore,
      cumScored,
    },
  };
}
