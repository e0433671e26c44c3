package org.meshguide.business;

import org.meshguide.common.upstream.Upstream;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param data where data-service is (env {@code BUSINESS_DATA_URL})
 */
@ConfigurationProperties("business")
public record BusinessProperties(Upstream data) {
}
