// DOHMH violation codes, descriptions and critical flags as they appear in the real export (43nn-pn8j, current
// wording), with the base points of their lowest condition level. Points per citation = base + condition (0..3),
// and an inspection's SCORE is the sum, as in DOHMH's scoring.

export interface ViolationCode {
  code: string;
  description: string;
  critical: "Critical" | "Not Critical" | "Not Applicable";
  basePoints: number;
  /** Relative frequency among the "ordinary" (non-pest) citations. */
  weight: number;
}

const c = (
  code: string,
  critical: ViolationCode["critical"],
  basePoints: number,
  weight: number,
  description: string,
): ViolationCode => ({ code, description, critical, basePoints, weight });

// Pest and vermin codes (drawn by their own model, not by weight).
export const V04K = c(
  "04K",
  "Critical",
  5,
  0,
  "Evidence of rats or live rats in establishment's food or non-food areas.",
);
export const V04L = c(
  "04L",
  "Critical",
  5,
  0,
  "Evidence of mice or live mice in establishment's food or non-food areas.",
);
export const V04M = c("04M", "Critical", 5, 0, "Live roaches in facility's food or non-food area.");
export const V04N = c(
  "04N",
  "Critical",
  5,
  0,
  "Filth flies or food/refuse/sewage associated with (FRSA) flies or other nuisance pests in establishment’s food and/or non-food areas. FRSA flies include house flies, blow flies, bottle flies, flesh flies, drain flies, Phorid flies and fruit flies.",
);
export const V08A = c(
  "08A",
  "Not Critical",
  2,
  0,
  "Establishment is not free of harborage or conditions conducive to rodents, insects or other pests.",
);
export const V08C = c(
  "08C",
  "Not Critical",
  2,
  0,
  "Pesticide not properly labeled or used by unlicensed individual. Pesticide, other toxic chemical improperly used/stored. Unprotected, unlocked bait station used.",
);

/** Ordinary sanitary citations, weighted like the real sample's frequencies. */
export const ORDINARY: ViolationCode[] = [
  c(
    "10F",
    "Not Critical",
    2,
    520,
    "Non-food contact surface or equipment made of unacceptable material, not kept clean, or not properly sealed, raised, spaced or movable to allow accessibility for cleaning on all sides, above and underneath the unit.",
  ),
  c(
    "06D",
    "Critical",
    5,
    262,
    "Food contact surface not properly washed, rinsed and sanitized after each use and following any activity when contamination may have occurred.",
  ),
  c("02B", "Critical", 7, 270, "Hot TCS food item not held at or above 140 °F."),
  c(
    "10B",
    "Not Critical",
    2,
    240,
    "Anti-siphonage or back-flow prevention device not provided where required; equipment or floor not properly drained; sewage disposal system in disrepair or not functioning properly. Condensation or liquid waste improperly disposed of.",
  ),
  c(
    "02G",
    "Critical",
    7,
    230,
    "Cold TCS food item held above 41 °F; smoked or processed fish held above 38 °F; intact raw eggs held above 45 °F; or reduced oxygen packaged (ROP) TCS foods held above required temperatures except during active necessary preparation.",
  ),
  c(
    "06C",
    "Critical",
    5,
    230,
    "Food, supplies, or equipment not protected from potential source of contamination during storage, preparation, transportation, display, service or from customer’s refillable, reusable container. Condiments not in single-service containers or dispensed directly by the vendor.",
  ),
  c(
    "04A",
    "Critical",
    5,
    120,
    "Food Protection Certificate (FPC) not held by manager or supervisor of food operations.",
  ),
  c(
    "10G",
    "Not Critical",
    2,
    95,
    "Dishwashing and ware washing: Cleaning and sanitizing of tableware, including dishes, utensils, and equipment deficient.",
  ),
  c(
    "04H",
    "Critical",
    5,
    83,
    "Raw, cooked or prepared food is adulterated, contaminated, cross-contaminated, or not discarded in accordance with HACCP plan.",
  ),
  c(
    "06E",
    "Critical",
    5,
    74,
    "Sanitized equipment or utensil, including in-use food dispensing utensil, improperly used or stored.",
  ),
  c("06F", "Critical", 5, 73, "Wiping cloths not stored clean and dry, or in a sanitizing solution, between uses."),
  c("09B", "Not Critical", 2, 50, "Thawing procedure improper."),
  c(
    "06A",
    "Critical",
    5,
    60,
    "Personal cleanliness is inadequate. Outer garment soiled with possible contaminant. Effective hair restraint not worn where required. Jewelry worn on hands or arms. Fingernail polish worn or fingernails not kept clean and trimmed.",
  ),
  c(
    "05D",
    "Critical",
    5,
    50,
    "No hand washing facility in or adjacent to toilet room or within 25 feet of a food preparation, food service or ware washing area. Hand washing facility not accessible, obstructed or used for non-hand washing purposes. No hot and cold running water or water at inadequate pressure. No soap or acceptable hand-drying device.",
  ),
  c(
    "09C",
    "Not Critical",
    2,
    55,
    "Design, construction, materials used or maintenance of food contact surface improper. Surface not easily cleanable, sanitized and maintained.",
  ),
  c("09E", "Not Critical", 2, 41, "Wash hands sign not posted near or above hand washing sink."),
  c(
    "10E",
    "Not Critical",
    2,
    39,
    "Accurate thermometer not provided or properly located in refrigerated, cold storage or hot holding equipment",
  ),
  c(
    "02H",
    "Critical",
    7,
    30,
    "After cooking or removal from hot holding, TCS food not cooled by an approved method whereby the internal temperature is reduced from 140 °F to 70 °F or less within 2 hours, and from 70 °F to 41 °F or less within 4 additional hours.",
  ),
  c(
    "10H",
    "Not Critical",
    2,
    32,
    "Single service article not provided. Single service article reused or not protected from contamination when transported, stored, dispensed. Drinking straws not completely enclosed in wrapper or dispensed from a sanitary device.",
  ),
  c(
    "04J",
    "Critical",
    5,
    26,
    "Properly scaled and calibrated thermometer or thermocouple not provided or not readily accessible in food preparation and hot/cold holding areas to measure temperatures of TCS foods during cooking, cooling, reheating, and holding.",
  ),
  c(
    "04C",
    "Critical",
    5,
    22,
    "Food worker/food vendor does not use utensil or other barrier to eliminate bare hand contact with food that will not receive adequate additional heat treatment.",
  ),
  c(
    "10D",
    "Not Critical",
    2,
    20,
    "Mechanical or natural ventilation not provided, inadequate, improperly installed, in disrepair or fails to prevent and control excessive build-up of grease, heat, steam condensation, vapors, odors, smoke or fumes.",
  ),
  c(
    "10A",
    "Not Critical",
    2,
    19,
    "Toilet facility not maintained or provided with toilet paper, waste receptacle or self-closing door.",
  ),
  c(
    "05F",
    "Critical",
    5,
    16,
    "Insufficient or no hot holding, cold storage or cold holding equipment provided to maintain Time/Temperature Control for Safety Foods (TCS) at required temperatures",
  ),
  c(
    "06B",
    "Critical",
    5,
    15,
    "Tobacco or electronic cigarette use, eating, or drinking from open container in food preparation, food storage or dishwashing area.",
  ),
  c(
    "08B",
    "Not Critical",
    2,
    15,
    "Garbage receptacle not pest or water resistant, with tight-fitting lids, and covered except while in active use. Garbage receptacle and cover not cleaned after emptying and prior to reuse. Garbage, refuse and other solid and liquid waste not collected, stored, removed and disposed of so as to prevent a nuisance.",
  ),
  c(
    "03A",
    "Critical",
    10,
    12,
    "Food, prohibited, from unapproved or unknown source, home canned or home prepared. Animal slaughtered, butchered or dressed (eviscerated, skinned) in establishment. Reduced Oxygen Packaged (ROP) fish not frozen before processing. ROP food prepared on premises transported to another site.",
  ),
  c(
    "10C",
    "Not Critical",
    2,
    6,
    "Lighting inadequate; permanent lighting not provided in food preparation areas, ware washing areas, and storage rooms. Shatterproof bulb or shield to prevent broken glass from falling into food or onto surfaces, not installed.",
  ),
];

/** Citations at administrative, calorie-posting, trans-fat and smoke-free inspections (no score, no grade). */
export const ADMIN_CODES: Record<string, ViolationCode[]> = {
  "Administrative Miscellaneous": [
    c("20-06", "Not Critical", 0, 27, "Current letter grade or Grade Pending card not posted"),
    c("20-08", "Not Critical", 0, 19, "Failure to post or conspicuously post healthy eating information"),
    c(
      "20-04",
      "Not Critical",
      0,
      19,
      "“Choking first aid” poster not posted. “Alcohol and Pregnancy” warning sign not posted. Resuscitation equipment: exhaled air resuscitation masks (adult & pediatric), latex gloves, sign not posted.",
    ),
    c("18-11", "Not Critical", 0, 3, "Food Protection Certificate not available for inspection"),
    c(
      "19-06",
      "Not Critical",
      0,
      5,
      "Providing single-use, non-compostable plastic straws to customers without customer request (including providing such straws at a self-serve station)",
    ),
  ],
  "Calorie Posting": [
    c(
      "16-03",
      "Not Applicable",
      0,
      5,
      "Caloric content not posted on menus, menu boards or food tags, in a food service establishment that is 1 of 15 or more outlets operating the same type of business nationally under common ownership or control, or as a franchise or doing business under the same name, for each menu item that is served in portions, the size and content of which are standardized.",
    ),
    c(
      "16-04",
      "Not Applicable",
      0,
      4,
      "Required succinct nutritional statements not posted on menu(s) for adults and children (2,000 calories per day for adults)",
    ),
  ],
  "Trans Fat": [
    c(
      "16-02",
      "Not Applicable",
      0,
      5,
      "The original nutrition fact labels or ingredient label for a cooking oil, shortening or margarine or food item sold in bulk, or acceptable manufacturer’s documentation not maintained on site.",
    ),
  ],
  "Smoke-Free Air Act": [
    c(
      "15-27",
      "Not Applicable",
      0,
      2,
      "Sign prohibiting smoking or using electronic cigarettes not conspicuously posted.",
    ),
  ],
};

export const ACTION = {
  cited: "Violations were cited in the following area(s).",
  none: "No violations were recorded at the time of this inspection.",
  closed:
    "Establishment Closed by DOHMH. Violations were cited in the following area(s) and those requiring immediate action were addressed.",
  reopened: "Establishment re-opened by DOHMH.",
} as const;

export const TYPE = {
  cycleInitial: "Cycle Inspection / Initial Inspection",
  cycleRe: "Cycle Inspection / Re-inspection",
  cycleReopen: "Cycle Inspection / Reopening Inspection",
  preInitial: "Pre-permit (Operational) / Initial Inspection",
  preRe: "Pre-permit (Operational) / Re-inspection",
  preReopen: "Pre-permit (Operational) / Reopening Inspection",
  admin: "Administrative Miscellaneous / Initial Inspection",
  calorie: "Calorie Posting / Initial Inspection",
  transFat: "Trans Fat / Initial Inspection",
  smokeFree: "Smoke-Free Air Act / Initial Inspection",
} as const;
