package org.meshguide.gateway;

import org.meshguide.common.upstream.UpstreamClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(GatewayApplication.class, args);
	}

	@Bean
	UpstreamClient business(GatewayProperties properties, RestClient.Builder builder,
			ClientHttpRequestFactoryBuilder<?> requestFactories) {
		return new UpstreamClient("business", properties.business(), builder, requestFactories);
	}

	@Bean
	UpstreamClient captcha(GatewayProperties properties, RestClient.Builder builder,
			ClientHttpRequestFactoryBuilder<?> requestFactories) {
		return new UpstreamClient("captcha-service", properties.captcha(), builder, requestFactories);
	}

}
