/**
 * The A/B verdict for one challenger against the control, decided in this order (first match wins):
 *
 * 1. `keep running` when either arm lacks data for a test (no trials; fewer than 2 observations of a mean).
 * 2. `${winner} better` when the always-valid mSPRT p-value is ≤ α: safe to stop at any look, however often
 *    anyone peeked. The winner is the challenger when its difference points the good way (`direction`).
 * 3. `no difference` when the always-valid interval for the difference lies inside (−mde, +mde): any
 *    remaining effect is smaller than the one worth detecting, again safe under peeking.
 * 4. `no difference` when both arms reached the minimum sample size for mde at the requested power and the
 *    fixed-horizon test is not significant: the planned experiment ended without finding the effect.
 * 5. Otherwise `keep running` — including a significant fixed-horizon test that the sequential test does
 *    not yet confirm, since a peeked-at fixed test overstates its evidence.
 */

/** What an A/B comparison concludes. */
export type AbVerdict = 'keep running' | 'no difference' | `${string} better`;

/** The facts a verdict is decided from. */
export interface VerdictFacts {
  variant: string;
  control: string;
  direction: 'higher' | 'lower';
  alpha: number;
  hasData: boolean;
  difference: number;
  fixedPValue: number;
  alwaysValidP: number | null;
  alwaysValidCi: [number, number] | null;
  mde: number | null;
  /** Observations required per arm, or null when no minimum sample size could be computed. */
  requiredPerArm: number | null;
  observedPerArm: number;
}

/** The verdict and a one-sentence reason a person can act on. */
export function decideVerdict(f: VerdictFacts): { verdict: AbVerdict; reason: string } {
  if (!f.hasData) return { verdict: 'keep running', reason: 'not enough outcomes yet in one of the arms to compare them' };
  if (f.alwaysValidP !== null && f.alwaysValidP <= f.alpha) {
    const challengerWins = f.direction === 'higher' ? f.difference > 0 : f.difference < 0;
    const winner = challengerWins ? f.variant : f.control;
    return { verdict: `${winner} better`, reason: `always-valid p = ${fmt(f.alwaysValidP)} <= alpha = ${fmt(f.alpha)}; safe to stop` };
  }
  if (f.mde !== null && f.alwaysValidCi !== null && f.alwaysValidCi[0] > -f.mde && f.alwaysValidCi[1] < f.mde) {
    return { verdict: 'no difference', reason: `the always-valid interval [${fmt(f.alwaysValidCi[0])}, ${fmt(f.alwaysValidCi[1])}] excludes effects as large as mde = ${fmt(f.mde)}` };
  }
  if (f.requiredPerArm !== null && f.observedPerArm >= f.requiredPerArm && f.fixedPValue > f.alpha) {
    return { verdict: 'no difference', reason: `both arms reached the planned ${f.requiredPerArm} observations and p = ${fmt(f.fixedPValue)} > alpha` };
  }
  if (f.alwaysValidP === null) return { verdict: 'keep running', reason: 'no mixing variance tau2 (give mde or sequential.tau2) so no always-valid test yet' };
  const planned = f.requiredPerArm === null ? '' : ` (${f.observedPerArm} of ${f.requiredPerArm} planned observations per arm)`;
  return { verdict: 'keep running', reason: `always-valid p = ${fmt(f.alwaysValidP)} > alpha = ${fmt(f.alpha)}${planned}` };
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
