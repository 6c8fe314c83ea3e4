/**
 * Explanations. For an additive (linear) model f(x) = b0 + sum_j c_j x_j the exact Shapley value of feature j relative
 * to a baseline x' is c_j (x_j - x'_j). For a small number of grouped players in a non-linear model (county shares
 * through the logistic link) `exactShapley` enumerates every coalition.
 */
export interface Factor {
  name: string;
  /** the factor's input value (units depend on the factor) */
  value: number;
  /** contribution to the prediction (same units as the prediction) */
  contribution: number;
}

export function sortFactors(fs: Factor[]): Factor[] {
  return [...fs].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
}

/**
 * Exact Shapley values of `players` for a value function v(S) given as v(mask) over bitmasks (bit i = player i present).
 * Cost O(2^n * n); intended for n <= 12.
 */
export function exactShapley(n: number, v: (mask: number) => number): number[] {
  if (n > 16) throw new RangeError('exactShapley: too many players');
  const size = 1 << n;
  const values = new Float64Array(size);
  for (let m = 0; m < size; m++) values[m] = v(m);
  const fact = [1];
  for (let i = 1; i <= n; i++) fact.push(fact[i - 1]! * i);
  const phi = new Array<number>(n).fill(0);
  for (let m = 0; m < size; m++) {
    let k = 0;
    for (let t = m; t; t &= t - 1) k++;
    const weight = (fact[k]! * fact[n - k - 1]!) / fact[n]!;
    for (let i = 0; i < n; i++) {
      if (m & (1 << i)) continue;
      phi[i]! += weight * (values[m | (1 << i)]! - values[m]!);
    }
  }
  return phi;
}
