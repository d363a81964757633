// Where the lines a check ran on are now: a line diff between the text the check saw and the
// editor's text, so reports stay on their lines through edits (as VS Code keeps diagnostics) and
// lines typed or changed since the check are known. Lines are 1-based.

export interface LineMap {
  /** The current line of a line of the checked text, or null when it was edited or deleted since. */
  toCurrent(line: number): number | null;
  /** The checked text's line of a current line, or null when it was typed or edited since the check. */
  toOriginal(line: number): number | null;
  /** Current lines that are not in the checked text. */
  edited: ReadonlySet<number>;
}

/** Above this many cells the changed middle is not diffed: all of it counts as edited. */
const MAX_DIFF_CELLS = 4_000_000;

export function diffLines(before: readonly string[], after: readonly string[]): LineMap {
  const n = before.length;
  const m = after.length;
  let prefix = 0;
  while (prefix < n && prefix < m && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && before[n - 1 - suffix] === after[m - 1 - suffix]) suffix++;
  const toCur = new Int32Array(n).fill(-1);
  const toOrig = new Int32Array(m).fill(-1);
  const pair = (i: number, j: number) => {
    toCur[i] = j;
    toOrig[j] = i;
  };
  for (let i = 0; i < prefix; i++) pair(i, i);
  for (let k = 0; k < suffix; k++) pair(n - 1 - k, m - 1 - k);
  const a = before.slice(prefix, n - suffix);
  const b = after.slice(prefix, m - suffix);
  if (a.length && b.length && a.length * b.length <= MAX_DIFF_CELLS) {
    for (const [i, j] of longestCommonSubsequence(a, b)) pair(prefix + i, prefix + j);
  }
  const edited = new Set<number>();
  for (let j = 0; j < m; j++) if (toOrig[j] === -1) edited.add(j + 1);
  return {
    toCurrent: (line) => (Number.isInteger(line) && line >= 1 && line <= n && toCur[line - 1]! >= 0 ? toCur[line - 1]! + 1 : null),
    toOriginal: (line) => (Number.isInteger(line) && line >= 1 && line <= m && toOrig[line - 1]! >= 0 ? toOrig[line - 1]! + 1 : null),
    edited,
  };
}

/** Index pairs of one longest common subsequence (dynamic programming over the changed middle only). */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const w = b.length + 1;
  const len = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      len[i * w + j] = a[i] === b[j] ? len[(i + 1) * w + j + 1]! + 1 : Math.max(len[(i + 1) * w + j]!, len[i * w + j + 1]!);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (len[(i + 1) * w + j]! >= len[i * w + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** The identity: a file the check saw as it is now. */
export const UNCHANGED: LineMap = { toCurrent: (l) => l, toOriginal: (l) => l, edited: new Set() };
