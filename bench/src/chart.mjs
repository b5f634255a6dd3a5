// A hand-written SVG chart of one run: the targets (each ratio against its goal) on top, then one panel of
// messages per second per framing, size and connection count.
import { formatPercent, formatSize } from "./report.mjs";

const escapeXml = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

const WIDTH = 960;
const LABEL = 300;
const BAR_AREA = WIDTH - LABEL - 190;
const BAR = 16;
const COLORS = {
  ours: "#2b7bb9",
  peer: "#e08a2c",
  ceiling: "#9a9a9a",
  control: "#c4c4c4",
  met: "#3a9a4a",
  missed: "#c8382c",
};

function text(x, y, content, attributes = "") {
  return `<text x="${x}" y="${y}" ${attributes}>${escapeXml(content)}</text>`;
}

/** Bars of ratio ÷ target: past the dashed line means met. */
function targetPanel(verdicts, nameOf, top) {
  const parts = [
    text(
      10,
      top,
      "Targets: how far each ratio is from its target (the dashed line; right of it is met)",
      'font-weight="bold"',
    ),
  ];
  let y = top + 8;
  const scale = BAR_AREA / 2; // 2× the target at the right edge
  for (const v of verdicts) {
    const what = v.measure ?? formatSize(v.size);
    // Issue 23's targets judge other servers (on Bun) at other connection counts: say which.
    const whose = v.primary === false ? ` × ${v.conns}: ${nameOf(v.ours)}` : "";
    const label = `${v.framing} ${what}${whose} ÷ ${nameOf(v.against)} (${v.atMost ? "≤" : "≥"} ${v.target}×)`;
    parts.push(text(10, y + 12, label, 'font-size="12"'));
    if (v.ratio === undefined) {
      parts.push(text(LABEL, y + 12, `not judged: ${v.why}`, 'font-size="12" fill="#666"'));
    } else {
      // Past the line is good either way: for an "at most" target the bar is target ÷ ratio.
      const share = Math.min(v.atMost ? v.target / v.ratio : v.ratio / v.target, 2);
      const color = v.met ? COLORS.met : COLORS.missed;
      parts.push(
        `<rect x="${LABEL}" y="${y}" width="${Math.max(1, share * scale).toFixed(1)}" height="${BAR - 3}" fill="${color}"/>`,
      );
      const verdict = v.met ? "met" : `missed by ${formatPercent(v.shortBy)}${v.atMost ? " (over)" : ""}`;
      // A white halo keeps the label readable where it crosses the dashed line.
      const halo = 'font-size="12" paint-order="stroke" stroke="white" stroke-width="3"';
      parts.push(text(LABEL + share * scale + 6, y + 12, `${v.ratio.toFixed(2)}× — ${verdict}`, halo));
    }
    y += BAR;
  }
  // Drawn first so the bars and their labels sit on top of it.
  parts.splice(
    1,
    0,
    `<line x1="${LABEL + scale}" y1="${top + 6}" x2="${LABEL + scale}" y2="${y}" stroke="#333" stroke-dasharray="4 3"/>`,
  );
  return { svg: parts.join("\n"), bottom: y + 22 };
}

/** One panel per framing × size × connections: a bar per server, scaled to the panel's fastest. */
function throughputPanels(rows, top) {
  const panels = [];
  for (const row of rows) {
    const key = `${row.framing} · ${formatSize(row.size)} · ${row.conns} conn${row.conns === 1 ? "" : "s"}`;
    let panel = panels.find((p) => p.key === key);
    if (!panel) panels.push((panel = { key, rows: [] }));
    panel.rows.push(row);
  }
  const parts = [];
  let y = top;
  for (const panel of panels) {
    parts.push(text(10, y, panel.key, 'font-weight="bold"'));
    y += 8;
    const max = Math.max(...panel.rows.map((r) => r.messagesPerSecond), 1);
    for (const row of panel.rows) {
      parts.push(text(10, y + 12, row.name, 'font-size="12"'));
      if (row.status !== "ok") {
        parts.push(text(LABEL, y + 12, row.status, 'font-size="12" fill="#666"'));
      } else {
        const length = Math.max(1, (BAR_AREA * row.messagesPerSecond) / max);
        parts.push(
          `<rect x="${LABEL}" y="${y}" width="${length.toFixed(1)}" height="${BAR - 3}" fill="${COLORS[row.role]}"/>`,
        );
        parts.push(
          text(LABEL + length + 6, y + 12, `${row.messagesPerSecond.toLocaleString("en-US")} msg/s`, 'font-size="12"'),
        );
      }
      y += BAR;
    }
    y += 22;
  }
  return { svg: parts.join("\n"), bottom: y };
}

/**
 * @example
 * ```js
 * writeFileSync("latest.svg", renderChart(report, (id) => names.get(id)));
 * ```
 */
export function renderChart(report, nameOf) {
  const { machine, quick, date } = report;
  const title = `framed echo throughput${quick ? " (quick)" : ""} — ${machine.cores} cores, Node ${machine.node}, ${date.slice(0, 10)}`;
  const targets = targetPanel(report.targets, nameOf, 64);
  const throughput = throughputPanels(report.results, targets.bottom + 10);
  const legend = [
    [COLORS.ours, "framed"],
    [COLORS.peer, "peer library"],
    [COLORS.ceiling, "plain TCP (ceiling)"],
    [COLORS.control, "a second plain TCP (control)"],
  ]
    .map(([color, label], i) => {
      const x = 10 + i * 170;
      return `<rect x="${x}" y="34" width="12" height="12" fill="${color}"/>${text(x + 18, 45, label, 'font-size="12"')}`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${throughput.bottom}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${text(10, 22, title, 'font-size="16" font-weight="bold"')}
${legend}
${targets.svg}
${throughput.svg}
</svg>
`;
}
