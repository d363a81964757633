// Entry point of the static scan: parse, recognize sites, mark the ones in training code.
// Pure: takes the text and the file name, never touches the file system or the editor.
import { collectEngineBindings, describeBindings } from "./engineBindings";
import { parseSource, syntaxErrorsOf } from "./parseSource";
import { recognizeSites } from "./recognizeSites";
import { recordTrainingCode } from "./trainingCode";
import type { ScanOptions, StaticScan } from "./types";
import { walkTree } from "./walkTree";

export function scanSource(text: string, fileName: string, options: ScanOptions = {}): StaticScan {
  try {
    const sourceFile = parseSource(text, fileName);
    const bindings = collectEngineBindings(sourceFile, options.engineModules);
    const trainingRecorder = recordTrainingCode(sourceFile);
    const recognizer = recognizeSites(sourceFile, bindings);
    walkTree(sourceFile, [trainingRecorder, recognizer]);
    const training = trainingRecorder.result();
    const sites = recognizer.sites().map(({ site, node }) => {
      site.inTrainingCode = training.contains(node);
      return site;
    });
    sites.sort((a, b) => a.line - b.line || a.column - b.column || a.anchorLine - b.anchorLine || a.anchorColumn - b.anchorColumn);
    return {
      fileName,
      sites,
      trainingUnits: training.units,
      imports: describeBindings(bindings),
      syntaxErrors: syntaxErrorsOf(sourceFile),
    };
  } catch (error) {
    // The parser is tolerant, so this is a bug of ours; an empty scan beats a broken editor.
    return {
      fileName,
      sites: [],
      trainingUnits: [],
      imports: {},
      syntaxErrors: [{ message: `static scan failed: ${String(error)}`, line: 1, column: 1 }],
    };
  }
}
