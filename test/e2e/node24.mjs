// The engine and the CLI must also run on the Node that VS Code's extension host uses (24 here, the
// binary the e2e setup installs for code-server): the CLI checks two examples under it.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { root } from "./workspace.mjs";

export function checkCliOnNode(node) {
  execFileSync(process.execPath, ["esbuild.config.mjs", "--quiet", "cli"], { cwd: root, stdio: "inherit" });
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const run = (example) => {
    const r = spawnSync(node, [path.join(root, "dist/cli.js"), "check", `examples/${example}`, "--json"], { cwd: root, encoding: "utf8" });
    return { status: r.status, report: JSON.parse(r.stdout) };
  };
  const good = run("gan.ts");
  if (good.status !== 0 || good.report.findings.length !== 0 || !good.report.parameters.every((p) => p.status === "updated")) {
    throw new Error(`gan.ts on ${version}: exit ${good.status}, findings ${JSON.stringify(good.report.findings.map((f) => f.code))}`);
  }
  const buggy = run("gan-no-detach.ts");
  const codes = buggy.report.findings.map((f) => `${f.code}:${f.line}`);
  if (buggy.status !== 1 || !codes.includes("GL006:29")) throw new Error(`gan-no-detach.ts on ${version}: exit ${buggy.status}, findings ${codes}`);
  return version;
}
