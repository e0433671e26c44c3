package org.meshguide.data;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes this instance misbehave on demand, for the mesh's outlier-detection and retry samples: while a
 * failure is set, each business request (not /admin/**, not /actuator/**) is answered with the failure's 5xx
 * status (and/or after the failure's delay) with the given probability, before any controller runs. Set and cleared through
 * {@link FailureInjectionController}; active only when {@code data.failure-injection.enabled=true} (the local
 * mesh's topology turns it on; the Kubernetes manifests leave it off).
 */
class FailureInjection extends OncePerRequestFilter {

	private static final Log logger = LogFactory.getLog(FailureInjection.class);

	/**
	 * A failure: for a share {@code rate} (0..1) of business requests, wait {@code delayMs} (0 for none), then
	 * answer {@code status} (a 5xx; 0 to answer normally after the delay).
	 */
	record Failure(int status, double rate, long delayMs) {

		Failure {
			if (status != 0 && (status < 500 || status > 599)) {
				throw new IllegalArgumentException("status must be a 5xx code (500..599), got " + status);
			}
			if (!(rate >= 0.0 && rate <= 1.0)) {
				throw new IllegalArgumentException("rate must be between 0.0 and 1.0, got " + rate);
			}
			if (delayMs < 0 || delayMs > 60_000) {
				throw new IllegalArgumentException("delayMs must be between 0 and 60000, got " + delayMs);
			}
			if (status == 0 && delayMs == 0) {
				throw new IllegalArgumentException("set a status (5xx), a delayMs, or both");
			}
		}

	}

	private final AtomicReference<Failure> current = new AtomicReference<>();

	private final String instanceName;

	private final DoubleSupplier random;

	FailureInjection(String instanceName) {
		this(instanceName, () -> ThreadLocalRandom.current().nextDouble());
	}

	FailureInjection(String instanceName, DoubleSupplier random) {
		this.instanceName = instanceName;
		this.random = random;
	}

	Failure current() {
		return this.current.get();
	}

	void set(Failure failure) {
		this.current.set(failure);
		logger.warn("Failure injection ON on " + this.instanceName + ": " + Math.round(failure.rate() * 100)
				+ " % of requests " + ((failure.delayMs() > 0) ? "delayed " + failure.delayMs() + " ms" : "")
				+ ((failure.delayMs() > 0 && failure.status() != 0) ? " and " : "")
				+ ((failure.status() != 0) ? "answered " + failure.status() : ""));
	}

	void clear() {
		if (this.current.getAndSet(null) != null) {
			logger.warn("Failure injection OFF on " + this.instanceName);
		}
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI();
		return path.startsWith("/admin/") || path.startsWith("/actuator");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Failure failure = this.current.get();
		if (failure != null && this.random.getAsDouble() < failure.rate()) {
			if (failure.delayMs() > 0) {
				try {
					Thread.sleep(failure.delayMs());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			if (failure.status() == 0) {
				chain.doFilter(request, response);
				return;
			}
			response.setStatus(failure.status());
			response.setContentType("text/plain");
			response.getWriter().write("injected failure on " + this.instanceName + ": " + failure.status() + "\n");
			return;
		}
		chain.doFilter(request, response);
	}

}
