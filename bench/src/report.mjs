// Turning measured rows into comparisons (ours ÷ each peer and ÷ the ceiling), target verdicts, and the
// terminal table.

export function formatSize(bytes) {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** `n` with thousands separators and exactly `digits` decimals; "–" for a missing or non-finite value. */
export const formatNumber = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "–";

/** A `{ median, min, max }` spread as "median [min–max]" ("–" when missing). */
export const withSpread = (s, digits = 0) =>
  s ? `${formatNumber(s.median, digits)} [${formatNumber(s.min, digits)}–${formatNumber(s.max, digits)}]` : "–";

const formatRate = (n) => Math.round(n).toLocaleString("en-US");

/**
 * Ours ÷ other, round by round (each round measures the servers back to back), and the median of those
 * ratios. Pairing within a round cancels the slow drift of a shared VM (both sides of a pair saw the same
 * machine), which a ratio of two medians taken minutes apart does not. Falls back to the ratio of the medians
 * when the rounds do not pair up.
 */
export function pairedRatio(ours, other) {
  const a = ours.samples ?? [];
  const b = other.samples ?? [];
  if (a.length === 0 || a.length !== b.length || b.some((x) => !(x > 0))) {
    return { ratio: ours.messagesPerSecond / other.messagesPerSecond, rounds: [] };
  }
  const rounds = a.map((x, i) => x / b[i]);
  const sorted = [...rounds].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  const ratio = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { ratio, rounds };
}

/** (max − min) ÷ median of per-round ratios: how much the comparison itself moved between rounds. */
function ratioSpread({ ratio, rounds }) {
  if (rounds.length < 2 || !ratio) return 0;
  return (Math.max(...rounds) - Math.min(...rounds)) / ratio;
}

/** Above this spread a ratio is marked `~` in the table: treat it as a rough figure. */
export const NOISY_SPREAD = 0.3;
const formatRatio = (r) => (r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`);

/** A fraction as a percentage, with a decimal when it would otherwise round to 0% (0.004 → "0.4%"). */
export function formatPercent(fraction) {
  const percent = fraction * 100;
  return percent < 9.95 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

/** How far a ratio falls short of its target, as a fraction of the target (0.27 = 27% short). */
export function shortfall(ratio, atLeast) {
  return ratio >= atLeast ? 0 : 1 - ratio / atLeast;
}

/** Which server a target judges (the group's Node server unless it names one) and at how many connections. */
export const targetServerOf = (group, target) => target.ours ?? group.targetServer;
export const targetConnsOf = (target) => target.conns ?? 1;

/** The target (if any) that applies to `ours` compared with `against` at this size and connection count. */
function targetFor(group, ours, against, size, conns) {
  return group.targets.find(
    (t) => t.size === size && t.against === against && targetConnsOf(t) === conns && targetServerOf(group, t) === ours,
  );
}

/** A server's definition in the groups (for `comparedWith` and `peerOf`), if the groups carry them. */
function definitionOf(groups, id) {
  for (const group of groups) {
    const found = group.servers?.find((s) => s.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whom `ours` is compared with: the ceiling and the peers (a peer with `peerOf` only for servers of that
 * runtime: Bun's bare echo is no peer of a Node server), or, when its definition lists `comparedWith`, the
 * ceiling and exactly those servers (framed on Bun against framed on Node and Bun's own echo).
 */
function isComparedWith(ours, other, groups) {
  if (other.role === "ceiling") return true;
  const comparedWith = definitionOf(groups, ours.server)?.comparedWith;
  if (comparedWith) return comparedWith.includes(other.server);
  if (other.role !== "peer") return false;
  const peerOf = definitionOf(groups, other.server)?.peerOf;
  return peerOf === undefined || peerOf === ours.runtime;
}

/**
 * One comparison per (our server, other server) in each measured block: ratio of messages per second,
 * with the target and verdict where an issue sets one.
 */
export function compare(rows, groups) {
  const comparisons = [];
  for (const group of groups) {
    const mine = rows.filter((r) => r.framing === group.framing);
    for (const ours of mine.filter((r) => r.role === "ours")) {
      const others = mine.filter(
        (r) => r.size === ours.size && r.conns === ours.conns && r !== ours && isComparedWith(ours, r, groups),
      );
      // The ceiling first, then the others in the order they were measured, as the table reads.
      others.sort((a, b) => (a.role === "ceiling" ? -1 : b.role === "ceiling" ? 1 : 0));
      for (const other of others) {
        const both = ours.status === "ok" && other.status === "ok";
        const paired = both ? pairedRatio(ours, other) : undefined;
        const ratio = paired?.ratio;
        const target = targetFor(group, ours.server, other.server, ours.size, ours.conns);
        const comparison = {
          framing: group.framing,
          size: ours.size,
          conns: ours.conns,
          ours: ours.server,
          oursName: ours.name,
          oursStatus: ours.status,
          oursMessagesPerSecond: ours.messagesPerSecond,
          against: other.server,
          againstName: other.name,
          againstStatus: other.status,
          againstMessagesPerSecond: other.messagesPerSecond,
          ratio,
          roundRatios: paired?.rounds ?? [],
          noisy: paired !== undefined && ratioSpread(paired) > NOISY_SPREAD,
        };
        if (target) {
          comparison.target = target.atLeast;
          comparison.issue = target.issue;
          if (ratio !== undefined) {
            comparison.met = ratio >= target.atLeast;
            comparison.shortBy = shortfall(ratio, target.atLeast);
          }
        }
        comparisons.push(comparison);
      }
    }
  }
  return comparisons;
}

/**
 * The control of each measured block: the ceiling's twin ÷ the ceiling, round by round. Two identical servers
 * read 1× on a quiet machine; how far the rounds stray from it is the noise under every ratio to the ceiling.
 * Returns `{ framing, size, conns, ratio, low, high }` per block where both ran.
 */
export function ceilingChecks(rows) {
  const checks = [];
  for (const twin of rows.filter((r) => r.role === "control" && r.status === "ok")) {
    const first = rows.find(
      (r) =>
        r.role === "ceiling" &&
        r.status === "ok" &&
        r.framing === twin.framing &&
        r.size === twin.size &&
        r.conns === twin.conns,
    );
    if (!first) continue;
    const { ratio, rounds } = pairedRatio(twin, first);
    const spread = rounds.length > 0 ? rounds : [ratio];
    checks.push({
      framing: twin.framing,
      size: twin.size,
      conns: twin.conns,
      ratio,
      low: Math.min(...spread),
      high: Math.max(...spread),
    });
  }
  return checks;
}

/** "0.98× (rounds 0.67–1.27×)": a ceiling check as one phrase. */
export function formatCeilingCheck(check) {
  return `${formatRatio(check.ratio)} (rounds ${check.low.toFixed(2)}–${formatRatio(check.high)})`;
}

/**
 * Every target of the measured sizes, including the ones that could not be judged (and why). A target
 * against the ceiling carries its block's ceiling check (`checks`, from {@link ceilingChecks}).
 */
export function verdicts(comparisons, plan, checks = []) {
  const out = [];
  for (const group of plan.groups) {
    for (const target of group.targets) {
      const conns = targetConnsOf(target);
      const ours = targetServerOf(group, target);
      if (!plan.sizes.includes(target.size) || !plan.conns.includes(conns)) continue;
      const found = comparisons.find(
        (c) =>
          c.framing === group.framing &&
          c.size === target.size &&
          c.conns === conns &&
          c.ours === ours &&
          c.against === target.against,
      );
      const verdict = {
        framing: group.framing,
        issue: target.issue,
        size: target.size,
        conns,
        ours,
        // The framing's own Node target (issues 3, 4, 5), as opposed to one set for another runtime.
        primary: ours === group.targetServer,
        against: target.against,
        target: target.atLeast,
      };
      const check = checks.find((c) => c.framing === group.framing && c.size === target.size && c.conns === conns);
      if (target.against === "plain-tcp" && check) verdict.ceilingCheck = check;
      if (found?.ratio !== undefined) {
        Object.assign(verdict, { ratio: found.ratio, met: found.met, shortBy: found.shortBy, noisy: found.noisy });
      } else {
        verdict.met = undefined;
        verdict.why = found
          ? found.oursStatus !== "ok"
            ? `${found.oursName}: ${found.oursStatus}`
            : `${found.againstName}: ${found.againstStatus}`
          : "not measured";
      }
      out.push(verdict);
    }
  }
  return out;
}

function metText(c) {
  if (c.target === undefined) return "";
  if (c.met === undefined) return "?";
  return c.met ? "yes" : `NO, ${formatPercent(c.shortBy)} short`;
}

const columns = [
  ["framing", 14, "left"],
  ["size", 7, "right"],
  ["conns", 6, "right"],
  ["ours", 29, "left"],
  ["msg/s", 11, "right"],
  ["peer", 25, "left"],
  ["msg/s", 11, "right"],
  ["ratio", 8, "right"],
  ["target", 8, "right"],
  ["met?", 15, "left"],
];

function line(cells) {
  return cells
    .map((cell, i) => {
      const [, width, align] = columns[i];
      const text = String(cell ?? "");
      return align === "right" ? text.padStart(width) : text.padEnd(width);
    })
    .join("  ")
    .trimEnd();
}

export function tableHeader() {
  return line(columns.map(([name]) => name));
}

/** The table lines of one measured block: one line per comparison; a server that did not run says why. */
export function blockLines(block, comparisons) {
  const lines = [];
  const { framing, size, conns } = block[0];
  let first = true;
  const lead = () => {
    const cells = first ? [framing, formatSize(size), conns] : ["", "", ""];
    first = false;
    return cells;
  };
  for (const ours of block.filter((r) => r.role === "ours")) {
    const mine = comparisons.filter(
      (c) => c.ours === ours.server && c.size === size && c.conns === conns && c.framing === framing,
    );
    if (ours.status !== "ok") {
      lines.push(line([...lead(), ours.name, ours.status]) + `  (${ours.detail})`);
      continue;
    }
    mine.forEach((c, i) => {
      const oursCells = i === 0 ? [c.oursName, formatRate(c.oursMessagesPerSecond)] : ["", ""];
      const peerRate = c.againstStatus === "ok" ? formatRate(c.againstMessagesPerSecond) : c.againstStatus;
      lines.push(
        line([
          ...lead(),
          ...oursCells,
          c.againstName,
          peerRate,
          c.ratio === undefined ? "—" : `${c.noisy ? "~" : ""}${formatRatio(c.ratio)}`,
          c.target === undefined ? "" : `≥ ${c.target}×`,
          metText(c),
        ]),
      );
    });
  }
  const indent = "".padEnd(14 + 2 + 7 + 2 + 6 + 2);
  for (const other of block.filter((r) => r.role !== "ours" && r.status !== "ok"))
    lines.push(`${indent}(${other.name}: ${other.status}: ${other.detail})`);
  for (const check of ceilingChecks(block))
    lines.push(`${indent}control: a second plain TCP echo ÷ the first, same rounds: ${formatCeilingCheck(check)}`);
  return lines;
}

/** The closing summary: each target, met or missed and by how much. */
export function verdictLines(list, nameOf) {
  return list.map((v) => {
    const at = v.conns > 1 ? ` × ${v.conns} conns` : "";
    const what = `${v.framing} ${v.measure ?? formatSize(v.size)}${at}: ${nameOf(v.ours)} ÷ ${nameOf(v.against)}`;
    const sign = v.atMost ? "≤" : "≥";
    let outcome;
    if (v.ratio === undefined) outcome = `not judged (${v.why})`;
    else if (v.met) outcome = "met";
    else if (v.atMost) outcome = `MISSED: ${formatPercent(v.shortBy)} over`;
    else outcome = `MISSED by ${formatPercent(v.shortBy)}: needs ${(v.target / v.ratio).toFixed(3)}× faster`;
    const ratio =
      v.ratio === undefined ? "" : `${v.noisy ? "~" : ""}${formatRatio(v.ratio)} (target ${sign} ${v.target}×)  `;
    const control = v.ceilingCheck ? `; the ceiling's twin read ${formatCeilingCheck(v.ceilingCheck)}` : "";
    return `  issue ${v.issue}  ${what.padEnd(76)} ${ratio}${outcome}${control}`;
  });
}
