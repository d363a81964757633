// What a quick fix gets to work with.
import type { Finding, Report } from "../../../protocol/report";
import type { StaticScan } from "../../../static/types";
import type { ParsedSource, TextEditSpec } from "./ast";

export interface FixContext {
  /** The finding (or run failure, as a finding-shaped record) the fix is for. */
  finding: Pick<Finding, "file" | "line" | "column" | "code" | "message" | "parameters" | "related">;
  /** The file the edits apply to (the finding's file). */
  source: ParsedSource;
  scan: StaticScan;
  report: Report | null;
}

export interface QuickFixSpec {
  title: string;
  /** The finding code it fixes. */
  code: string;
  edits: TextEditSpec[];
  /** Offered as the preferred fix (the one "auto fix" applies). */
  preferred: boolean;
}

export type FixBuilder = (ctx: FixContext) => Omit<QuickFixSpec, "code" | "preferred"> | null;
