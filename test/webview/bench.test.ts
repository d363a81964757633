// Runs the webview benchmark when GRADLENS_BENCH=1 (slow; prints a table).
import { expect, it } from "vitest";
import { benchGraphLayout } from "../bench/graphLayout.bench";

it.skipIf(!process.env.GRADLENS_BENCH)("graph layout benchmark", async () => {
  const res = await benchGraphLayout();
  console.table(res);
  expect(res.length).toBeGreaterThan(4);
}, 900000);
