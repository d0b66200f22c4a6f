/** A version as Semantic Versioning 2.0.0 defines it; build metadata is dropped (it has no precedence). */
export interface Semver {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers; empty for a release. */
  prerelease: readonly string[];
}

// The regular expression of semver.org, without its build-metadata capture.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;
const NUMERIC = /^\d+$/;

/**
 * Parses a strict semantic version (`1.2.3`, `1.2.3-beta.1`, `1.2.3+456`); null for
 * anything else (`1.2`, `v1.2.3`, `2024.01.05.3`, a commit hash), which the callers
 * treat as "no opinion" rather than as old.
 */
export function parseSemver(text: string): Semver | null {
  if (text.length > 256) return null;
  const match = SEMVER.exec(text);
  if (match === null) return null;
  return { major: match[1]!, minor: match[2]!, patch: match[3]!, prerelease: match[4] === undefined ? [] : match[4].split('.') };
}

/**
 * Precedence of two versions (semver.org §11): negative when `a` is older, 0 when
 * equal, positive when newer. A pre-release is older than its release
 * (1.2.0-beta.1 < 1.2.0); numeric identifiers compare as numbers, of any size.
 */
export function compareSemver(a: Semver, b: Semver): number {
  return (
    compareNumeric(a.major, b.major) ||
    compareNumeric(a.minor, b.minor) ||
    compareNumeric(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

// Private:

/** Digits without leading zeros (the grammar forbids them): longer is larger, else lexical order is numeric order. */
function compareNumeric(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  // A release (no identifiers) ranks above any of its pre-releases.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xNumeric = NUMERIC.test(x);
    const yNumeric = NUMERIC.test(y);
    if (xNumeric && yNumeric) return compareNumeric(x, y);
    // Numeric identifiers rank below alphanumeric ones; alphanumerics compare in ASCII order.
    if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
