package org.meshguide.data;

import org.meshguide.common.AppProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The failure-injection knob ({@link FailureInjection}), off unless {@code data.failure-injection.enabled=true}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "data.failure-injection.enabled", havingValue = "true")
class FailureInjectionConfiguration {

	@Bean
	FailureInjection failureInjection(AppProperties app) {
		return new FailureInjection(app.instanceName());
	}

	@Bean
	FilterRegistrationBean<FailureInjection> failureInjectionFilter(FailureInjection injection) {
		FilterRegistrationBean<FailureInjection> registration = new FilterRegistrationBean<>(injection);
		// after mesh-common's filters, so failed responses still carry x-served-by and x-request-id
		registration.setOrder(Ordered.LOWEST_PRECEDENCE);
		return registration;
	}

}
