import { describe, expect, it } from "vitest";
import { duplicateKey } from "./json-duplicates.js";

describe("duplicateKey", () => {
  it("finds a repeated key with the pointer of its object", () => {
    expect(duplicateKey('{"rows":"x","rows":[]}')).toEqual({ pointer: "", key: "rows" });
    expect(duplicateKey('{"rows":[{"a":1,"b":2},{"a":1,"b":{"c":[1,{"d":1}]},"a":3}]}')).toEqual({
      pointer: "/rows/1",
      key: "a",
    });
    expect(duplicateKey('{"x/y~":{"k":1,"k":2}}')).toEqual({ pointer: "/x~1y~0", key: "k" });
  });
  it("compares keys as decoded strings, and ignores strings that are values", () => {
    expect(duplicateKey('{"a":1,"\\u0061":2}')).toEqual({ pointer: "", key: "a" });
    expect(duplicateKey('{"a":"a","b":"a","c":["a","a"],"d":{"a":"\\"a,\\"a\\":"}}')).toBeNull();
    expect(duplicateKey('[{"a":1},{"a":1},{}, [], {"a":{}}]')).toBeNull();
    expect(duplicateKey('"{\\"a\\":1,\\"a\\":2}"')).toBeNull();
  });
});
