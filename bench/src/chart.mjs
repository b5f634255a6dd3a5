// A hand-written SVG bar chart: messages per second of each server, one panel per framing and size.
const escapeXml = (text) => String(text).replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);

export function renderChart(results, title) {
  const panels = [];
  for (const row of results) {
    const key = `${row.framing} · ${row.size} B · ${row.conns} conn`;
    let panel = panels.find((p) => p.key === key);
    if (!panel) panels.push((panel = { key, bars: [] }));
    panel.bars.push({ name: row.server, value: row.messagesPerSecond, ours: row.ours, ceiling: row.ceiling });
  }
  const barHeight = 16;
  const width = 900;
  const labelWidth = 230;
  let y = 40;
  const parts = [];
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${escapeXml(panel.key)}</text>`);
    y += 8;
    const max = Math.max(...panel.bars.map((b) => b.value), 1);
    for (const bar of panel.bars) {
      const length = Math.max(1, ((width - labelWidth - 120) * bar.value) / max);
      const color = bar.ours ? "#2b7bb9" : bar.ceiling ? "#999" : "#e08a2c";
      parts.push(`<text x="10" y="${y + 12}" font-size="12">${escapeXml(bar.name)}</text>`);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight - 3}" fill="${color}"/>`,
      );
      parts.push(
        `<text x="${labelWidth + length + 6}" y="${y + 12}" font-size="12">${bar.value.toLocaleString("en-US")}/s</text>`,
      );
      y += barHeight;
    }
    y += 18;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>
<text x="${width - 330}" y="22" font-size="12"><tspan fill="#2b7bb9">■ framed</tspan>  <tspan fill="#e08a2c">■ peer library</tspan>  <tspan fill="#999">■ plain TCP (ceiling)</tspan></text>
${parts.join("\n")}
</svg>
`;
}
