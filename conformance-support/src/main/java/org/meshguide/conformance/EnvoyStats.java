package org.meshguide.conformance;

import java.net.URI;
import java.util.Map;

/**
 * Counters from an Envoy's admin endpoint (/stats), summed over every stat whose name ends with the suffix
 * and contains the cluster's service name (Istio writes outbound cluster stats as
 * cluster.outbound|PORT|SUBSET|HOST;.COUNTER).
 */
public final class EnvoyStats {

	private EnvoyStats() {
	}

	/** The counter read from the admin endpoint at {@code admin} (the local mesh's Envoys). */
	public static long counter(URI admin, String clusterPart, String suffix) {
		Traffic.Result stats = Traffic.get(admin.resolve(query(suffix)), Map.of());
		if (stats.status() != 200) {
			throw new AssertionError("Envoy admin " + admin + " answered " + stats.status());
		}
		return sum(stats.body(), clusterPart, suffix);
	}

	/** The admin path and query that lists only the used stats ending with {@code suffix}. */
	public static String query(String suffix) {
		return "/stats?usedonly&filter=" + suffix + "$";
	}

	/** The counter summed from the text {@code stats} of /stats, however it was fetched. */
	public static long sum(String stats, String clusterPart, String suffix) {
		return stats.lines()
			.filter(line -> line.contains(clusterPart))
			.filter(line -> line.substring(0, line.lastIndexOf(':')).endsWith(suffix))
			.mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
