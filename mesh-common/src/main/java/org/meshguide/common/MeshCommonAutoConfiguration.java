package org.meshguide.common;

import java.net.ProxySelector;
import java.net.http.HttpClient;

import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationPredicate;
import org.meshguide.common.upstream.UnexpectedProblemHandler;
import org.meshguide.common.upstream.UpstreamProblemHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * What every app of the guide gets by depending on mesh-common. Before Spring Boot's error handling, whose error
 * page controller steps back for {@link ProblemErrorController}.
 */
@AutoConfiguration(before = ErrorMvcAutoConfiguration.class)
@EnableConfigurationProperties(AppProperties.class)
public class MeshCommonAutoConfiguration {

	@Bean
	FilterRegistrationBean<ServedByFilter> servedByFilter(AppProperties app) {
		FilterRegistrationBean<ServedByFilter> registration = new FilterRegistrationBean<>(
				new ServedByFilter(app.instanceName()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	TomcatContextCustomizer problemErrorReportValve(AppProperties app) {
		return (context) -> ProblemErrorReportValve.install(context, app.instanceName());
	}

	@Bean
	ProblemErrorController problemErrorController(AppProperties app) {
		return new ProblemErrorController(app.instanceName());
	}

	@Bean
	ObservationPredicate skipActuatorObservations() {
		return TracingObservations.skipActuator();
	}

	@Bean
	ObservationFilter requestIdSpanTag() {
		return TracingObservations.tagRequestId();
	}

	/**
	 * With {@code spring.http.clients.imperative.factory=jdk}: the JDK client ignores {@code -Dhttp.proxyHost}
	 * unless told to use the default proxy selector, and would offer an h2c upgrade on every plain HTTP call;
	 * in the local mesh the proxy is the sidecar, like the other clients see it.
	 */
	@Bean
	ClientHttpRequestFactoryBuilderCustomizer<JdkClientHttpRequestFactoryBuilder> jdkClientThroughTheJvmProxy() {
		return (builder) -> builder.withHttpClientCustomizer(
				(client) -> client.proxy(ProxySelector.getDefault()).version(HttpClient.Version.HTTP_1_1));
	}

	/**
	 * With {@code spring.http.clients.imperative.factory=http-components}: HttpClient 5 offers every plain HTTP
	 * request an upgrade to TLS ({@code Upgrade: TLS/1.2}); between an app and its sidecar that is noise at best.
	 */
	@Bean
	ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> httpComponentsWithoutTlsUpgrade() {
		return (builder) -> builder
			.withDefaultRequestConfigCustomizer((config) -> config.setProtocolUpgradeEnabled(false));
	}

	@Bean
	UpstreamProblemHandler upstreamProblemHandler(AppProperties app) {
		return new UpstreamProblemHandler(app.instanceName());
	}

	@Bean
	UnexpectedProblemHandler unexpectedProblemHandler(AppProperties app) {
		return new UnexpectedProblemHandler(app.instanceName());
	}

}
