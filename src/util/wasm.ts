// The project compiles without the DOM library, where TypeScript keeps the WebAssembly types: the part the learner's
// and the scorer's kernels use, and compiled modules cached per binary.
export type WasmModule = object;
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: Record<string, unknown> };
}
export const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
export const WASM_PAGE = 65536;

const compiled = new Map<string, WasmModule>();
/** The module of a base64 binary (the *-wasm.ts files beside each .wat), compiled once per process. */
export function wasmModule(base64: string): WasmModule {
  let m = compiled.get(base64);
  if (!m) {
    m = new WA.Module(Buffer.from(base64, "base64"));
    compiled.set(base64, m);
  }
  return m;
}
