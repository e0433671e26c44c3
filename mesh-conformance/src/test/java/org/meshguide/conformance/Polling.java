package org.meshguide.conformance;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting for something to become true, with a deadline: the only way these tests wait.
 */
final class Polling {

	private Polling() {
	}

	static <T> T await(Duration timeout, String what, Supplier<T> probe) {
		long deadline = System.nanoTime() + timeout.toNanos();
		do {
			T value = probe.get();
			if (value != null) {
				return value;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError("not within " + timeout + ": " + what);
	}

}
