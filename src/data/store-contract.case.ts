// The ObjectStore contract, written once and run against every implementation (stores.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { type ObjectStore, streamToBuffer } from "./object-store.js";

export function runObjectStoreContract(make: () => Promise<ObjectStore>): void {
  it("puts and gets bytes and strings, overwriting atomically", async () => {
    const s = await make();
    await s.put("a/b.txt", "hello");
    expect((await s.get("a/b.txt")).toString()).toBe("hello");
    await s.put("a/b.txt", Buffer.from([0, 1, 2, 255]));
    expect([...(await s.get("a/b.txt"))]).toEqual([0, 1, 2, 255]);
  });

  it("streams files in and out", async () => {
    const s = await make();
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-store-"));
    const src = path.join(dir, "in.bin");
    const body = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    body.write("start", 0);
    writeFileSync(src, body);
    await s.putFile("files/in.bin", src);
    expect((await streamToBuffer(await s.getStream("files/in.bin"))).equals(body)).toBe(true);
    const dest = path.join(dir, "sub", "out.bin");
    await s.getFile("files/in.bin", dest);
    expect(readFileSync(dest).equals(body)).toBe(true);
  });

  it("says NOT_FOUND for missing keys and false for exists", async () => {
    const s = await make();
    expect(await s.exists("nope/x")).toBe(false);
    const e1 = await s.get("nope/x").catch((e) => e);
    expect(isRodentError(e1, "RODENT_ERR_NOT_FOUND")).toBe(true);
    const e2 = await s.getStream("nope/x").catch((e) => e);
    expect(isRodentError(e2, "RODENT_ERR_NOT_FOUND")).toBe(true);
  });

  it("lists keys under a prefix, sorted, and deletes", async () => {
    const s = await make();
    for (const k of ["p/2/b", "p/1/a", "p/10", "q/1", "pp/x"]) await s.put(k, k);
    expect(await s.list("p/")).toEqual(["p/1/a", "p/10", "p/2/b"]);
    expect(await s.list("p/1")).toEqual(["p/1/a", "p/10"]);
    expect(await s.list("zzz/")).toEqual([]);
    await s.delete("p/10");
    await s.delete("p/never-existed");
    expect(await s.exists("p/10")).toBe(false);
    expect(await s.list("p/")).toEqual(["p/1/a", "p/2/b"]);
  });

  it("rejects keys that are not relative paths", async () => {
    const s = await make();
    for (const k of ["/abs", "a/../b", "a//b", ""]) {
      const e = await s.put(k, "x").catch((err) => err);
      expect(isRodentError(e, "RODENT_ERR_INVALID_ARGUMENT"), k).toBe(true);
    }
  });
}
