package org.meshguide.gateway;

import org.meshguide.common.upstream.Upstream;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param business where the business service is (env {@code GATEWAY_BUSINESS_URL}); which version answers is
 * the mesh's decision, not the gateway's
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(Upstream business) {
}
