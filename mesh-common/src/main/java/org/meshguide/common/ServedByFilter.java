package org.meshguide.common;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Names the process that answered, on every response (errors included), so that weighted routing, header
 * matching and load balancing can be counted by a client that sees nothing but HTTP.
 */
public class ServedByFilter extends OncePerRequestFilter {

	public static final String HEADER = "x-served-by";

	private final String instanceName;

	public ServedByFilter(String instanceName) {
		this.instanceName = instanceName;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader(HEADER, this.instanceName);
		chain.doFilter(request, response);
	}

}
