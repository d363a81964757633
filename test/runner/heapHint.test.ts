import { expect, it } from "vitest";
import { formatHeapHint, heapPrefaultBytes, MAX_HEAP_PREFAULT_BYTES, parseHeapHint, type HeapHintInputs } from "../../src/runner/heapHint";

// How much malloc memory a spare faults in for its check (src/runner/heapHint.ts), from the last
// check's resident sizes and the spare's own.

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** a ResNet-18 check on Node 20 after a fresh child: started at 125 MiB, peaked at 360 MiB */
const resnet: HeapHintInputs = {
  lastPeakRssBytes: 360 * MiB,
  lastStartRssBytes: 125 * MiB,
  memoryLimitBytes: 1 * GiB,
  baselineRssBytes: 120 * MiB,
  freeMemBytes: 20 * GiB,
};

it("faults in 7/8 of what the last check grew beyond a ready child, in whole MiB", () => {
  expect(heapPrefaultBytes(resnet)).toBe(210 * MiB); // (360 - 120) * 7/8
  expect(heapPrefaultBytes({ ...resnet, baselineRssBytes: 117.5 * MiB })).toBe(212 * MiB); // 212.1875 rounded down
  // its start unknown (no /proc sample): the same rule
  expect(heapPrefaultBytes({ ...resnet, lastStartRssBytes: 0 })).toBe(210 * MiB);
});

it("halves what the last child held when its check did not grow past it (a small file after a large one)", () => {
  // a spare that held 210 MiB beyond its baseline, and a check that grew 5 MiB past that
  const small = { ...resnet, lastStartRssBytes: 330 * MiB, lastPeakRssBytes: 335 * MiB };
  expect(heapPrefaultBytes(small)).toBe(105 * MiB);
  // then 52.5 → 52 MiB, 26 MiB, 13 MiB → nothing (below 16 MiB)
  expect(heapPrefaultBytes({ ...small, lastStartRssBytes: 225 * MiB, lastPeakRssBytes: 226 * MiB })).toBe(52 * MiB);
  expect(heapPrefaultBytes({ ...small, lastStartRssBytes: 146 * MiB, lastPeakRssBytes: 147 * MiB })).toBe(0);
  // growing 16 MiB or more past it is a check that needed more: the growth rule again
  expect(heapPrefaultBytes({ ...small, lastPeakRssBytes: 346 * MiB })).toBe(197 * MiB); // (346 - 120) * 7/8 = 197.75
});

it("caps at 384 MiB, half the memory limit and a quarter of the free memory", () => {
  expect(heapPrefaultBytes({ ...resnet, lastPeakRssBytes: 3 * GiB, memoryLimitBytes: 4 * GiB })).toBe(MAX_HEAP_PREFAULT_BYTES);
  expect(MAX_HEAP_PREFAULT_BYTES).toBe(384 * MiB);
  expect(heapPrefaultBytes({ ...resnet, memoryLimitBytes: 300 * MiB })).toBe(150 * MiB);
  expect(heapPrefaultBytes({ ...resnet, freeMemBytes: 400 * MiB })).toBe(100 * MiB);
  expect(heapPrefaultBytes({ ...resnet, freeMemBytes: 60 * MiB })).toBe(0); // 15 MiB: below the minimum
});

it("is zero when the last check is unknown or small", () => {
  expect(heapPrefaultBytes({ ...resnet, lastPeakRssBytes: 0, lastStartRssBytes: 0 })).toBe(0);
  // a small MLP: peaked 2 MiB above a ready child's size
  expect(heapPrefaultBytes({ ...resnet, lastPeakRssBytes: 122 * MiB, lastStartRssBytes: 0 })).toBe(0);
  // 18 MiB of growth: 15.75 MiB after 7/8, below 16
  expect(heapPrefaultBytes({ ...resnet, lastPeakRssBytes: 138 * MiB, lastStartRssBytes: 0 })).toBe(0);
  expect(heapPrefaultBytes({ ...resnet, lastPeakRssBytes: 139 * MiB, lastStartRssBytes: 0 })).toBe(16 * MiB);
  // a child already larger than the last peak (another runtime)
  expect(heapPrefaultBytes({ ...resnet, baselineRssBytes: 400 * MiB })).toBe(0);
  expect(heapPrefaultBytes({ ...resnet, lastPeakRssBytes: Number.NaN })).toBe(0);
});

it("travels in the environment as three byte counts; anything else is no hint", () => {
  const hint = { lastPeakRssBytes: 360 * MiB, lastStartRssBytes: 125 * MiB, memoryLimitBytes: GiB };
  expect(formatHeapHint(hint)).toBe("377487360:131072000:1073741824");
  expect(parseHeapHint(formatHeapHint(hint))).toEqual(hint);
  expect(parseHeapHint(undefined)).toBeNull();
  expect(parseHeapHint("")).toBeNull();
  expect(parseHeapHint("377487360:1073741824")).toBeNull();
  expect(parseHeapHint("-1:0:1073741824")).toBeNull();
  expect(parseHeapHint("1e9:0:1073741824")).toBeNull();
});
