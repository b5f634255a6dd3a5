// The page's script: streams /rows into the table as rows arrive, and lists lines that were not JSON.
import { readRows } from "./read-rows.ts";

const form = document.querySelector("#form") as HTMLFormElement;
const status = document.querySelector("#status") as HTMLElement;
const table = document.querySelector("#rows") as HTMLElement;

function cell(row: HTMLTableRowElement, text: string): void {
  row.insertCell().textContent = text;
}

async function stream(): Promise<void> {
  table.replaceChildren();
  const query = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
  status.textContent = "streaming…";
  const problems: string[] = [];
  try {
    const counts = await readRows(await fetch(`/rows?${query}`), {
      row(row) {
        const tr = (table as HTMLTableSectionElement).insertRow();
        cell(tr, String(row.id));
        cell(tr, row.name);
        cell(tr, String(row.value));
      },
      badLine(lineNumber) {
        problems.push(`line ${lineNumber} skipped (not JSON)`);
        status.textContent = `streaming… ${problems.join("; ")}`;
      },
    });
    status.textContent = `done: ${counts.rows} rows${problems.length ? `; ${problems.join("; ")}` : ""}`;
  } catch (error) {
    status.textContent = `failed: ${(error as Error).message}`;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void stream();
});
void stream();
