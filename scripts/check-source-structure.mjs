// Checks the shape of every package's source: no import cycles among packages/*/src files (value and type
// imports alike, since a type cycle still means two files that cannot be read apart) and no source file over
// MAX_LINES lines (tests excluded). Prints each cycle as the chain of files and each long file with its count.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const MAX_LINES = 400;
const root = process.argv[2] ?? "packages";

/** Every non-test .ts file under packages/<name>/src. */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !/\.(test|spec|bench)\.tsx?$/.test(name) && !name.endsWith(".d.ts"))
        files.push(resolve(path));
    }
  };
  for (const pkg of readdirSync(root)) {
    const src = join(root, pkg, "src");
    if (existsSync(src)) walk(src);
  }
  return files;
}

// `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`, `import type … from "x"`, over any
// number of lines. Comments are removed first so an example in TSDoc is not taken for an import.
const IMPORT =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[^;"'`]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function localImports(file, text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const targets = new Set();
  for (const match of code.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    for (const candidate of [target, `${target}.ts`, join(target, "index.ts")])
      if (existsSync(candidate) && statSync(candidate).isFile()) {
        targets.add(candidate);
        break;
      }
  }
  return targets;
}

const files = sourceFiles();
const graph = new Map();
const problems = [];
for (const file of files) {
  const text = readFileSync(file, "utf8");
  graph.set(file, localImports(file, text));
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_LINES)
    problems.push(`${relative(".", file)}: ${lines} lines (the limit is ${MAX_LINES}; split it along its seams)`);
}

// Tarjan's strongly connected components: every component of two or more files (or a file importing itself)
// is a cycle; one shortest cycle through its first file is printed so the fix has a concrete starting point.
let index = 0;
const order = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(file) {
  order.set(file, index);
  low.set(file, index++);
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (!order.has(next)) {
      connect(next);
      low.set(file, Math.min(low.get(file), low.get(next)));
    } else if (onStack.has(next)) low.set(file, Math.min(low.get(file), order.get(next)));
  }
  if (low.get(file) === order.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file).has(file)) components.push(component);
  }
}
for (const file of files) if (!order.has(file)) connect(file);

function shortestCycle(component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of graph.get(file)) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [file];
        for (let step = previous.get(file); step !== null; step = previous.get(step)) path.unshift(step);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
for (const component of components) {
  const cycle = shortestCycle(component).map((file) => relative(".", file));
  const all = component.map((file) => relative(".", file)).sort();
  problems.push(
    `import cycle: ${cycle.join(" → ")}${all.length > cycle.length - 1 ? ` (component: ${all.join(", ")})` : ""}`,
  );
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`check-source-structure: ${problems.length} problem(s) in ${files.length} source files`);
  process.exit(1);
}
console.log(`check-source-structure: ${files.length} source files, no import cycles, none over ${MAX_LINES} lines`);
