package org.meshguide.common;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Names the process that answered, on every response (errors included), so that weighted routing, header
 * matching and load balancing can be counted by a client that sees nothing but HTTP. Also returns the
 * request's {@code x-request-id}: an edge Envoy replaces a client's id with its own, and this is how the client
 * learns the id under which the access logs and the trace of its request can be found (if it is an id at all:
 * {@link RequestIds}).
 */
public class ServedByFilter extends OncePerRequestFilter {

	public static final String HEADER = "x-served-by";

	static final String REQUEST_ID = "x-request-id";

	private final String instanceName;

	public ServedByFilter(String instanceName) {
		this.instanceName = instanceName;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader(HEADER, this.instanceName);
		String requestId = request.getHeader(REQUEST_ID);
		if (RequestIds.usable(requestId)) {
			response.setHeader(REQUEST_ID, requestId);
		}
		chain.doFilter(request, response);
	}

}
