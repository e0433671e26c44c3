package org.meshguide.common;

import java.util.List;

/**
 * The request headers an app must copy from each incoming request to every outgoing one, so that Envoy can
 * join the spans of all hops into one trace and route on request attributes at every hop.
 * <p>
 * Envoy creates the spans, but it cannot know which outgoing request of the app belongs to which incoming
 * one; only the app can carry the context across. This is the one place the list lives; nothing here copies
 * headers by hand. The carrying is configured in {@code mesh-defaults.properties}:
 * <ul>
 * <li>{@link #B3}: written by Micrometer Tracing with Brave ({@code management.tracing.propagation.type=b3_multi}).
 * They are not copied verbatim: the outgoing {@code x-b3-spanid} is the app's own client span and the incoming
 * span becomes {@code x-b3-parentspanid}, which is what makes the parent links in Zipkin/Jaeger correct.</li>
 * <li>{@link #CARRIED_UNCHANGED}: baggage remote fields ({@code management.tracing.baggage.remote-fields}),
 * copied unchanged. {@code x-request-id} is Envoy's id of the request across every hop (access logs, traces);
 * {@code x-ot-span-context} is the OpenTracing (LightStep) context Istio's documentation still lists;
 * {@code end-user} is a routing attribute: a VirtualService on a later hop can only match on it if each hop
 * before forwards it (Bookinfo's productpage does the same).</li>
 * </ul>
 */
public final class PropagatedHeaders {

	public static final List<String> B3 = List.of("x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid",
			"x-b3-sampled", "x-b3-flags");

	public static final List<String> CARRIED_UNCHANGED = List.of("x-request-id", "x-ot-span-context", "end-user");

	private PropagatedHeaders() {
	}

}
