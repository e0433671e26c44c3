package org.meshguide.common;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * What the app's own spans show, beside what Micrometer records by default.
 */
final class TracingObservations {

	private TracingObservations() {
	}

	/**
	 * Probes and scrapes are not traffic: without this, every kubelet probe and Prometheus scrape is a trace.
	 */
	static ObservationPredicate skipActuator() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext server
				&& server.getCarrier().getRequestURI().startsWith("/actuator"));
	}

	/**
	 * Tags each server span with the {@code x-request-id} the request arrived with: the same id is in
	 * Envoy's access log, so a log line leads to its trace, and a test can see the id reach the last hop.
	 */
	static ObservationFilter tagRequestId() {
		return (context) -> {
			if (context instanceof ServerRequestObservationContext server) {
				String requestId = server.getCarrier().getHeader("x-request-id");
				if (RequestIds.usable(requestId)) {
					context.addHighCardinalityKeyValue(KeyValue.of("x-request-id", requestId));
				}
			}
			return context;
		};
	}

}
