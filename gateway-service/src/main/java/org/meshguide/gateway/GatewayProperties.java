package org.meshguide.gateway;

import org.meshguide.common.upstream.Upstream;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param business where the business service is (env {@code GATEWAY_BUSINESS_URL}); which version answers is
 * the mesh's decision, not the gateway's
 * @param captcha where captcha-service is (env {@code GATEWAY_CAPTCHA_URL}), and how long a recognition may take
 * @param captchaMaxRequestSize the largest upload the gateway forwards to captcha-service; larger ones are
 * refused before a byte of the body is read (captcha-service applies its own, tighter image limit)
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(Upstream business, Upstream captcha,
		@DefaultValue("2MB") DataSize captchaMaxRequestSize) {
}
