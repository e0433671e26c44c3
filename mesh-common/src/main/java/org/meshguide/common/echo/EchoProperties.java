package org.meshguide.common.echo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The TCP line-echo listener of the business versions (the TCP traffic-shifting sample).
 *
 * @param enabled whether to listen at all (only the business apps do)
 * @param address bind address; empty binds the same address as the HTTP server ({@code server.address}),
 * or all interfaces when that is unset
 * @param port TCP port; 9000 in a cluster
 * @param maxConnections connections served at once; more wait in the accept queue
 * @param maxLineLength longest line echoed; a longer one closes the connection
 */
@ConfigurationProperties("business.echo")
public record EchoProperties(@DefaultValue("false") boolean enabled, String address, @DefaultValue("9000") int port,
		@DefaultValue("32") int maxConnections, @DefaultValue("8192") int maxLineLength) {
}
