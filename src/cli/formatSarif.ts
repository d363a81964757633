import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { Report, Severity, SourceSite } from "../protocol/report";
import { RULES_BY_CODE } from "../analysis/rules";

// The Report as SARIF 2.1.0 (one run, rule ids = finding codes), for code-scanning tools. A file
// that could not run is reported as an unsuccessful invocation with its location. Pure: Report → string.
// No helpUri/informationUri: SARIF wants absolute URIs there, and the documentation (docs/findings.md)
// ships inside the package rather than at a public address.

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

function location(site: SourceSite, message?: string) {
  const absolute = isAbsolute(site.file);
  return {
    physicalLocation: {
      artifactLocation: absolute ? { uri: pathToFileURL(site.file).href } : { uri: site.file.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" },
      region: { startLine: site.line, startColumn: site.column },
    },
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
}

export function toSarif(report: Report, toolVersion: string) {
  // suppressed findings stay in the log, marked as suppressed in source (code-scanning tools hide them)
  const all = [...report.findings, ...(report.suppressed ?? [])];
  const codes = [...new Set(all.map((f) => f.code))].sort();
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const rules = codes.map((id) => {
    const rule = RULES_BY_CODE.get(id);
    return {
      id,
      name: id,
      shortDescription: { text: rule?.title ?? id },
      ...(rule !== undefined ? { defaultConfiguration: { level: LEVEL[rule.severity] } } : {}),
    };
  });
  const results = all.map((f) => ({
    ruleId: f.code,
    ruleIndex: ruleIndex.get(f.code),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f)],
    ...(f.related.length > 0 ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...location(r, r.message) })) } : {}),
    ...(f.parameters.length > 0 ? { properties: { parameters: f.parameters } } : {}),
    ...("by" in f ? { suppressions: [{ kind: "inSource", location: location(f.by as SourceSite) }] } : {}),
  }));
  const error = report.error;
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "GradLens", version: toolVersion, rules } },
        invocations: [
          {
            executionSuccessful: error === null,
            ...(error !== null
              ? { toolExecutionNotifications: [{ level: "error", message: { text: `${error.kind}: ${error.message}` }, locations: [location(error)] }] }
              : {}),
          },
        ],
        results,
      },
    ],
  };
}

export function formatSarif(report: Report, toolVersion: string): string {
  return JSON.stringify(toSarif(report, toolVersion), null, 2) + "\n";
}
