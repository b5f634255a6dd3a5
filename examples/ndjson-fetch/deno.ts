// The Deno client: `deno run --allow-net deno.ts <url>` prints each NDJSON row of <url> as it arrives.
// Uses the same readRows as the page: Deno has fetch, so the WHATWG entry point works unchanged.
import { readRows } from "./read-rows.ts";

declare const Deno: { args: string[]; exit(code: number): never };

const url = Deno.args[0];
if (!url) {
  console.error("usage: deno run --allow-net deno.ts <url of an NDJSON stream>");
  Deno.exit(2);
}
try {
  const counts = await readRows(await fetch(url), {
    row: (row) => console.log(`row ${row.id}: ${row.name} ${row.value}`),
    badLine: (lineNumber, message) => console.log(`bad line ${lineNumber}: ${message}`),
  });
  console.log(`deno client: ${counts.rows} rows, ${counts.badLines} bad lines`);
} catch (error) {
  console.error(`deno client: ${(error as Error).message}`);
  Deno.exit(1);
}
