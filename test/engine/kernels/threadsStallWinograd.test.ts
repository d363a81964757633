// The same for Winograd's batch jobs (one product per panel; the weight gradient's accumulate over
// chunks): the conv is still complete and right when the helper stalls holding one of them.
import { afterAll } from "vitest";
import { setWinogradPolicy } from "../../../src/engine/kernels/winograd";
import { checkConv } from "./convCases";
import { stallingHelperSuite } from "./threadsStallSuite";
import { threadTestFixture } from "./util";

threadTestFixture();
afterAll(() => setWinogradPolicy("auto"));

stallingHelperSuite("Winograd's products", (i) => {
  setWinogradPolicy("always");
  // two chunks of one image each (1024 tile columns): the weight gradient's second chunk accumulates
  checkConv(
    { N: 2, C: 16, H: 64, W: 64, Cout: 16, kH: 3, kW: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
    10 * i, `Winograd conv ${i}`,
  );
});
