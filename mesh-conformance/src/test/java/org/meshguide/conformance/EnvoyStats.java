package org.meshguide.conformance;

import java.net.URI;
import java.util.Map;

/**
 * Counters from an Envoy's admin endpoint (/stats), summed over every stat whose name ends with the suffix
 * and contains the cluster's service name (Istio writes outbound cluster stats as
 * cluster.outbound|PORT|SUBSET|HOST;.COUNTER).
 */
final class EnvoyStats {

	static final URI INGRESS_ADMIN = URI.create("http://127.0.10.100:15000");

	private EnvoyStats() {
	}

	static long counter(URI admin, String clusterPart, String suffix) {
		Traffic.Result stats = Traffic.get(admin.resolve("/stats?usedonly&filter=" + suffix + "$"), Map.of());
		if (stats.status() != 200) {
			throw new AssertionError("Envoy admin " + admin + " answered " + stats.status());
		}
		return stats.body()
			.lines()
			.filter(line -> line.contains(clusterPart))
			.filter(line -> line.substring(0, line.lastIndexOf(':')).endsWith(suffix))
			.mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
