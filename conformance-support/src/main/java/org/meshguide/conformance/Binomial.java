package org.meshguide.conformance;

/**
 * Tolerances for ratio checks, derived instead of guessed. A share observed over n independent requests
 * with true probability p has standard deviation sqrt(p(1-p)/n); a check at z standard deviations fails a
 * correct mesh with probability about 2(1 - Phi(z)): 3.3 sigma is about 1 in 1000 runs, 3.9 about 1 in 10000.
 */
public final class Binomial {

	private Binomial() {
	}

	public static double sigma(int n, double p) {
		return Math.sqrt(p * (1 - p) / n);
	}

	/**
	 * Asserts {@code observed} out of {@code n} lies within {@code tolerance} (a share, 0.03 = 3 points) of
	 * {@code expected}, printing the figures either way.
	 */
	public static void assertShare(String what, long observed, int n, double expected, double tolerance) {
		double share = (double) observed / n;
		double z = tolerance / sigma(n, expected);
		boolean pass = Math.abs(share - expected) <= tolerance;
		Report.line("%s: n=%d, observed %d (%.2f %%), expected %.1f %% ± %.2f pp (%.1f sigma) -> %s", what, n,
				observed, share * 100, expected * 100, tolerance * 100, z, pass ? "PASS" : "FAIL");
		if (!pass) {
			throw new AssertionError(String.format("%s: %.2f %% is outside %.1f %% ± %.2f pp", what, share * 100,
					expected * 100, tolerance * 100));
		}
	}

}
