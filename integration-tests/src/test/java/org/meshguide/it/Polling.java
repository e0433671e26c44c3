package org.meshguide.it;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting for something to become true, with a deadline: the only way these tests wait.
 */
final class Polling {

	private static final Duration INTERVAL = Duration.ofMillis(50);

	private Polling() {
	}

	static <T> T await(Duration timeout, String what, Supplier<T> probe) {
		long deadline = System.nanoTime() + timeout.toNanos();
		T last;
		do {
			last = probe.get();
			if (last != null) {
				return last;
			}
			pause();
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError("not within " + timeout + ": " + what);
	}

	static void pause() {
		try {
			Thread.sleep(INTERVAL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

}
