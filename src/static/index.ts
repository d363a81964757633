// Public surface of the static scan (parse-only look at the user's file before any run).
export { scanSource } from "./scanSource";
export { findRegionAt, findSiteAt, isCutSite, isGradDisabledAt, isRegionSite, rangeOf, sitesOnLine } from "./queries";
export { rangeContains, rangeEncloses } from "./positions";
export { TOP_LEVEL } from "./trainingCode";
export type * from "./types";
