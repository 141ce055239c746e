// The normalized record type of each dataset. Every source (Socrata API, exported CSV/JSON/GeoJSON
// files, the synthetic NYC) produces exactly these; snapshots store them; features read them.
// Dates are ISO strings: "YYYY-MM-DD" for days, "YYYY-MM-DDTHH:MM:SS" (local NYC time) for instants.

export const BOROUGHS = ["Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"] as const;
export type Borough = (typeof BOROUGHS)[number];

export const DATASETS = ["inspections", "rat_sightings", "weather", "truth"] as const;
export type DatasetName = (typeof DATASETS)[number];

/** One row per violation (or one row with violationCode null for an inspection without violations),
 *  exactly like DOHMH's export 43nn-pn8j. Key: camis + inspectionDate + inspectionType + violationCode. */
export interface InspectionRecord {
  camis: string;
  dba: string;
  boro: Borough;
  building: string;
  street: string;
  zipcode: string;
  cuisine: string;
  /** YYYY-MM-DD; the 1900-01-01 placeholder (never inspected) is kept as-is and means "no inspection yet". */
  inspectionDate: string;
  action: string;
  violationCode: string | null;
  violationDescription: string;
  criticalFlag: string;
  score: number | null;
  grade: string | null;
  gradeDate: string | null;
  recordDate: string | null;
  inspectionType: string;
  latitude: number | null;
  longitude: number | null;
}

/** 311 "Rat Sighting" service request (3q43-55fe). Key: uniqueKey. */
export interface RatSightingRecord {
  uniqueKey: string;
  /** YYYY-MM-DDTHH:MM:SS */
  createdDate: string;
  borough: Borough | null;
  incidentZip: string;
  locationType: string;
  latitude: number | null;
  longitude: number | null;
}

/** Daily weather at Central Park (GHCN-Daily USW00094728). Key: date. Units: °F and inches. */
export interface WeatherRecord {
  date: string;
  tmax: number | null;
  tmin: number | null;
  prcp: number | null;
}

/** Synthetic NYC only: each inspection's true probability of a rodent violation. Never a feature input.
 *  Key: camis + inspectionDate + inspectionType. */
export interface TruthRecord {
  camis: string;
  inspectionDate: string;
  inspectionType: string;
  pTrue: number;
}

export interface RecordOf {
  inspections: InspectionRecord;
  rat_sightings: RatSightingRecord;
  weather: WeatherRecord;
  truth: TruthRecord;
}

/** NYC bounding box used by validation (generous around the five boroughs). */
export const NYC_BBOX = { minLat: 40.47, maxLat: 40.93, minLon: -74.27, maxLon: -73.68 } as const;

/** DOHMH placeholder date for restaurants not yet inspected. */
export const NEVER_INSPECTED_DATE = "1900-01-01";
