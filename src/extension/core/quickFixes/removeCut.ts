// "Remove .detach()": for a cut that keeps gradient from parameters an optimizer steps (GL001, GL007).
import type { StaticSite } from "../../../static/types";
import { offsetOf, rangeOf } from "./ast";
import type { FixBuilder } from "./context";

export const removeDetach: FixBuilder = (ctx) => {
  const site = ctx.scan.sites.find(
    (s: StaticSite) => s.kind === "detach" && s.anchorLine === ctx.finding.line && s.line === s.endLine && (s.anchorColumn === ctx.finding.column || s.line === ctx.finding.line),
  );
  if (!site) return null;
  const src = ctx.source;
  // From the dot before `detach` to the end of the call.
  const anchor = offsetOf(src, site.anchorLine, site.anchorColumn);
  const dot = src.text.lastIndexOf(".", anchor);
  const end = offsetOf(src, site.endLine, site.endColumn);
  if (dot < 0 || src.text.slice(dot, end).replace(/\s/g, "") !== ".detach()") return null;
  return { title: `Remove \`.detach()\` from \`${site.receiver ?? "this value"}\` so gradient flows on`, edits: [{ range: rangeOf(src, dot, end), newText: "" }] };
};
