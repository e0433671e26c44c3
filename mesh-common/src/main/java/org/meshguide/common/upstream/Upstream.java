package org.meshguide.common.upstream;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where an upstream service is and how long to wait for it. The URL is the same in a cluster and in the
 * local mesh ({@code http://business:8080}): only the proxy settings of the JVM differ.
 *
 * @param url base URL of the upstream service
 * @param connectTimeout how long to wait for a TCP connection
 * @param readTimeout how long to wait for the response; keep it longer than any delay the mesh is meant to
 * show (the 10 s fault-injection sample), or the app times out before the mesh does
 */
public record Upstream(URI url, @DefaultValue("2s") Duration connectTimeout, @DefaultValue("15s") Duration readTimeout) {

	public Upstream {
		if (url == null) {
			throw new IllegalArgumentException("upstream url must be set");
		}
	}

}
