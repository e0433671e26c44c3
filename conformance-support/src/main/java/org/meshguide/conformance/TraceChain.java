package org.meshguide.conformance;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A trace walked the way a trace view draws it, whatever backend stored it (Zipkin on the local mesh, Jaeger
 * on the cluster): each span as "serviceName KIND", from the child of the caller's span down.
 */
public final class TraceChain {

	private TraceChain() {
	}

	/** One span: its id, its parent's id ("" for a root), the service that reported it, its kind. */
	public record Span(String id, String parentId, String service, String kind) {

		String hop() {
			return this.service + " " + this.kind;
		}

	}

	/**
	 * Follows the spans from the child of {@code rootParentId} down; every span on the way must have exactly one
	 * child, or the trace is not one chain.
	 */
	public static List<String> path(List<Span> spans, String rootParentId) {
		List<String> path = new ArrayList<>();
		String parent = rootParentId;
		while (true) {
			String parentId = parent;
			List<Span> children = spans.stream().filter(s -> parentId.equals(s.parentId())).toList();
			if (children.isEmpty()) {
				return path;
			}
			if (children.size() != 1) {
				throw new AssertionError("span " + parentId + " has " + children.size()
						+ " children; the trace must be one chain: " + describe(spans));
			}
			Span child = children.get(0);
			path.add(child.hop());
			parent = child.id();
		}
	}

	/** Every span as "service/KIND parent->id", for failure messages. */
	public static String describe(List<Span> spans) {
		return spans.stream()
			.map(s -> s.service() + "/" + s.kind() + " " + s.parentId() + "->" + s.id())
			.collect(Collectors.joining(", "));
	}

	/** B3 headers that make the caller the parent of the trace: trace id, this span id, sampled. */
	public static Map<String, String> b3(String traceId, String spanId) {
		return Map.of("x-b3-traceid", traceId, "x-b3-spanid", spanId, "x-b3-sampled", "1");
	}

	/** A random B3 id of {@code bytes} bytes, never with a leading zero (Zipkin would shorten it). */
	public static String hex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		random[0] |= 0x10;
		return HexFormat.of().formatHex(random);
	}

}
