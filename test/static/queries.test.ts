// Editor-side questions on a scan: regions at a position, the site a runtime position refers to.
import { describe, expect, it } from "vitest";
import { findRegionAt, findSiteAt, isCutSite, isGradDisabledAt, scanSource, sitesOnLine } from "../../src/static";

const text = [
  /* 1 */ 'import { noGrad, enableGrad } from "gradlens";',
  /* 2 */ "noGrad(() => {",
  /* 3 */ "  const a = f(x);",
  /* 4 */ "  enableGrad(() => {",
  /* 5 */ "    const b = g(a).detach();",
  /* 6 */ "  });",
  /* 7 */ "});",
  /* 8 */ "const c = h(x);",
].join("\n");
const scan = scanSource(text, "q.ts");

describe("queries", () => {
  it("findRegionAt returns the innermost region covering a line or position", () => {
    expect(findRegionAt(scan, 3)?.kind).toBe("no-grad");
    expect(findRegionAt(scan, 5)?.kind).toBe("enable-grad");
    expect(findRegionAt(scan, 5, 5)?.line).toBe(4);
    expect(findRegionAt(scan, 8)).toBeNull();
    // Line 2 before the callback's `{` (column 14) is outside the region.
    expect(findRegionAt(scan, 2, 1)).toBeNull();
    expect(findRegionAt(scan, 2, 14)?.kind).toBe("no-grad");
  });

  it("isGradDisabledAt honours an enableGrad nested in a noGrad", () => {
    expect([3, 5, 8].map((line) => isGradDisabledAt(scan, line))).toEqual([true, false, false]);
  });

  it("findSiteAt matches a stack-trace position exactly, or the smallest range containing it", () => {
    expect(findSiteAt(scan, 5, 20)).toMatchObject({ kind: "detach", receiver: "g(a)" });
    expect(findSiteAt(scan, 5, 15)).toMatchObject({ kind: "detach", line: 5, column: 15, anchorColumn: 20 });
    expect(findSiteAt(scan, 3, 5)).toMatchObject({ kind: "no-grad", line: 2 });
    expect(findSiteAt(scan, 3, 5, ["detach"])).toBeNull();
    expect(findSiteAt(scan, 8, 1)).toBeNull();
  });

  it("sitesOnLine and isCutSite", () => {
    expect(sitesOnLine(scan, 5).map((s) => s.kind)).toEqual(["detach"]);
    expect(scan.sites.map((s) => [s.kind, isCutSite(s)])).toEqual([
      ["no-grad", true],
      ["enable-grad", false],
      ["detach", true],
    ]);
  });
});
