import { describe, expect, it } from "vitest";
import { describeFeature, FEATURE_SCHEMA } from "./feature-schema.js";
import { INSPECTION_CATEGORIES, inspectionCategory, labelOf, NOT_COUNTED } from "./labels.js";

describe("inspection types", () => {
  it.each([
    ["Cycle Inspection / Initial Inspection", "cycle_initial"],
    ["Cycle Inspection / Re-inspection", "cycle_reinspection"],
    ["Pre-permit (Operational) / Initial Inspection", "preperm_initial"],
    ["Pre-permit (Non-operational) / Initial Inspection", "preperm_initial"],
    ["Pre-permit (Operational) / Re-inspection", "preperm_reinspection"],
    ["Cycle Inspection / Reopening Inspection", "reopening"],
    ["Pre-permit (Operational) / Reopening Inspection", "reopening"],
    ["Cycle Inspection / Compliance Inspection", "compliance"],
    ["Pre-permit (Operational) / Second Compliance Inspection", "compliance"],
  ])("%s counts as %s", (type, cat) => {
    expect(INSPECTION_CATEGORIES[inspectionCategory(type)]).toBe(cat);
  });

  it.each([
    "Administrative Miscellaneous / Initial Inspection",
    "Calorie Posting / Initial Inspection",
    "Trans Fat / Initial Inspection",
    "Smoke-Free Air Act / Initial Inspection",
    "Sodium Warning / Initial Inspection",
    "Inter-Agency Task Force / Initial Inspection",
    "",
  ])("%j is not an example", (type) => {
    expect(inspectionCategory(type)).toBe(NOT_COUNTED);
  });

  it("label is rats or mice", () => {
    expect(labelOf(1)).toBe(1);
    expect(labelOf(2)).toBe(1);
    expect(labelOf(4 | 16)).toBe(0);
  });
});

describe("feature schema", () => {
  it("names are unique, versioned, and every feature reads in plain words", () => {
    const names = FEATURE_SCHEMA.features.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(FEATURE_SCHEMA.version).toMatch(/^\d{4}\.\d{2}-\d+$/);
    for (const f of FEATURE_SCHEMA.features) {
      for (const v of [0, 1, 3, Number.NaN]) {
        const s = describeFeature(f.name, v);
        expect(s.length).toBeGreaterThan(5);
        expect(s).not.toContain(" = "); // the fallback for unknown names
      }
    }
  });

  it("describes values as the UI shows them", () => {
    expect(describeFeature("rats_r010_30d", 3)).toBe("3 rat sightings within 0.1 mile in the last 30 days");
    expect(describeFeature("rats_r100_365d", 1)).toBe("1 rat sighting within 1 mile in the last 365 days");
    expect(describeFeature("prev1_grade", 2)).toBe("grade B at the previous inspection");
    expect(describeFeature("days_since_rodent", Number.NaN)).toBe("rats or mice never found before");
    expect(describeFeature("boro_queens", 1)).toBe("in Queens");
    expect(describeFeature("unknown_feature", 2)).toBe("unknown_feature = 2");
  });
});
