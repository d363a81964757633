// Gutter marks: one icon per line that defines parameters or holds a cut site, coloured by the worst
// status on that line; the hover says what the icon means.
import type { ParamStatus, Report } from "../../protocol/report";
import { siteInFile } from "./files";
import { statusWords, updatedOnlyByHand } from "./parameterList";
import { listNames, plural, unique } from "./reportQueries";

export type GutterStatus = ParamStatus;

export interface GutterMark {
  line: number;
  status: GutterStatus;
  /** Markdown: what the icon means, and which parameters or which cut it stands for. */
  hover: string;
}

/** Every status, worst first: the order in which statuses win a shared line. */
export const GUTTER_STATUSES: readonly GutterStatus[] = ["cut", "grad-not-applied", "unused", "frozen", "updated"];

/** What each icon means (the words of docs/findings.md "Parameter statuses"). */
export const STATUS_MEANING: Record<GutterStatus, string> = {
  updated: "got a gradient and an optimizer step applied it",
  "grad-not-applied": "got a gradient, but no optimizer applied it (in no optimizer, lr 0, or never stepped)",
  frozen: "requiresGrad is false",
  cut: "trainable, but a detach(), noGrad or requiresGrad = false stopped every gradient on its way",
  unused: "no backward() reached it and no cut is responsible",
};

/** What "updated by hand at line N (not by an optimizer)" means (the parameter list's words for it). */
const BY_HAND_MEANING = "no optimizer steps it; the file's own code writes its values (an EMA target, a hand-written update)";

const STATUS_TITLE: Record<GutterStatus, string> = {
  updated: "updated",
  "grad-not-applied": "gradient not applied",
  frozen: "frozen",
  cut: "cut",
  unused: "unused",
};

function worst(statuses: Iterable<GutterStatus>): GutterStatus {
  const set = new Set(statuses);
  return GUTTER_STATUSES.find((s) => set.has(s)) ?? "updated";
}

export function buildGutterMarks(report: Report, filePath: string): GutterMark[] {
  const params = new Map<number, Array<{ name: string; status: GutterStatus; words: string; byHand: boolean }>>();
  for (const p of report.parameters) {
    if (!p.site || !siteInFile(p.site, report, filePath)) continue;
    const list = params.get(p.site.line) ?? [];
    list.push({ name: p.name, status: p.status, words: statusWords(p), byHand: updatedOnlyByHand(p) });
    params.set(p.site.line, list);
  }
  const cuts = new Map<number, string[]>();
  /** Lines whose cuts are all deliberate freezes (requiresGrad = false): drawn as frozen, never as a red cut. */
  const freezes = new Map<number, boolean>();
  for (const c of report.cuts) {
    if (!siteInFile(c, report, filePath)) continue;
    // A cut whose parameters all got gradient another way harmed nothing (the lens says ✓): no red mark.
    const lost = c.blocked.filter((n) => !c.gotGradElsewhere.includes(n));
    if (c.blocked.length > 0 && lost.length === 0 && c.kind !== "requires-grad-false") continue;
    cuts.set(c.line, unique([...(cuts.get(c.line) ?? []), ...c.blocked]));
    freezes.set(c.line, (freezes.get(c.line) ?? true) && c.kind === "requires-grad-false");
  }
  const lines = unique([...params.keys(), ...cuts.keys()]).sort((a, b) => a - b);
  return lines.map((line) => {
    const defined = params.get(line) ?? [];
    const blocked = cuts.get(line);
    const froze = freezes.get(line) === true;
    const status = worst([...defined.map((d) => d.status), ...(blocked ? [froze ? ("frozen" as const) : ("cut" as const)] : [])]);
    // Mixed statuses are counted ("36 updated, 4 frozen"), not hidden behind the icon's one colour.
    const counts = GUTTER_STATUSES.map((s) => [s, defined.filter((d) => d.status === s).length] as const).filter(([, n]) => n > 0);
    const summary = counts.length > 1 ? counts.map(([s, n]) => `${n} ${STATUS_TITLE[s]}`).join(", ") : `icon: *${STATUS_TITLE[status]}*`;
    const parts = [`**GradLens** — ${summary}`];
    if (blocked && froze) {
      parts.push(blocked.length ? `Freezes ${plural(blocked.length, "parameter")} (${listNames(blocked, 4)}) on purpose.` : "A freeze that froze no parameter in the checked run.");
    } else if (blocked) {
      parts.push(
        blocked.length
          ? `A cut site: it stops gradient to ${plural(blocked.length, "parameter")} (${listNames(blocked, 4)}).`
          : "A cut site: it stopped no parameter's gradient in the checked run.",
      );
    }
    for (const s of GUTTER_STATUSES) {
      const here = defined.filter((d) => d.status === s);
      for (const words of unique(here.map((d) => d.words))) {
        const same = here.filter((d) => d.words === words);
        parts.push(`${words}: ${listNames(same.map((d) => d.name), 4)} — ${same[0]!.byHand ? BY_HAND_MEANING : STATUS_MEANING[s]}.`);
      }
    }
    return { line, status, hover: parts.join("\n\n") };
  });
}
