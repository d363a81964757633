// The same for a conv's im2col and col2im jobs (they share the products' claim/commit/takeover
// protocol): the conv is still complete and right.
import { checkBigConv, stallingHelperSuite } from "./threadsStallSuite";
import { threadTestFixture } from "./util";

threadTestFixture();

stallingHelperSuite("a conv's im2col or col2im", (i) => checkBigConv(10 * i));
