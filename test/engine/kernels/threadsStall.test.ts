// A helper thread that stalls holding a panel of a product (descheduled: the other core busy) costs
// the caller at most the wait before it takes the panel over: every product is still complete and right.
import { stallingHelperSuite } from "./threadsStallSuite";
import { checkSplitProduct as product, threadTestFixture } from "./util";

threadTestFixture();

stallingHelperSuite("a product", (i) => product(10 * i, i % 2 === 1));
