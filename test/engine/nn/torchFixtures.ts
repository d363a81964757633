import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { Tensor, type DType } from "gradlens";

// Loads test/fixtures/torch/*.json and compares engine tensors with them.

export interface JsonTensor {
  shape: number[];
  dtype: DType;
  data: Array<number | boolean>;
  requiresGrad?: boolean;
}

const dir = fileURLToPath(new URL("../../fixtures/torch/", import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadFixture(name: string): { cases: any[] } {
  return JSON.parse(readFileSync(`${dir}${name}.json`, "utf8"));
}

export function fromJson(j: JsonTensor, requiresGrad = j.requiresGrad ?? false): Tensor {
  const data = j.dtype === "float32" ? new Float32Array(j.data.length) : j.dtype === "bool" ? new Uint8Array(j.data.length) : new Float64Array(j.data.length);
  j.data.forEach((v, i) => (data[i] = Number(v)));
  const t = Tensor.fromArray(data, j.shape, j.dtype);
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Asserts shape and values within |a − e| ≤ atol + rtol·|e|. */
export function expectClose(actual: Tensor | null, expected: JsonTensor | null, rtol = 1e-9, atol = 1e-12, what = ""): void {
  if (expected === null) {
    expect(actual, `${what} should be null`).toBeNull();
    return;
  }
  expect(actual, `${what} should not be null`).not.toBeNull();
  expect(actual!.shape, `${what} shape`).toEqual(expected.shape);
  const got = actual!.dataSync();
  expected.data.forEach((e, i) => {
    const ev = Number(e), av = got[i];
    if (Number.isNaN(ev)) {
      expect(Number.isNaN(av), `${what}[${i}] should be NaN`).toBe(true);
      return;
    }
    if (Math.abs(av - ev) > atol + rtol * Math.abs(ev)) {
      throw new Error(`${what}[${i}]: got ${av}, expected ${ev}`);
    }
  });
}

export function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
