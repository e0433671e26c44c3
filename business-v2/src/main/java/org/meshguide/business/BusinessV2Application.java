package org.meshguide.business;

import org.meshguide.common.upstream.UpstreamClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BusinessV2Application {

	public static void main(String[] args) {
		SpringApplication.run(BusinessV2Application.class, args);
	}

	@Bean
	UpstreamClient dataService(BusinessProperties properties, RestClient.Builder builder,
			ClientHttpRequestFactoryBuilder<?> requestFactories) {
		return new UpstreamClient("data-service", properties.data(), builder, requestFactories);
	}

}
