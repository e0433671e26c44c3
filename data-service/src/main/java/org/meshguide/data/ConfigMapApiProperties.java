package org.meshguide.data;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code data.message}: what spring-cloud-kubernetes reads from the ConfigMap {@code data-service} through the Kubernetes
 * API (k8s/components/spring-cloud-kubernetes), as opposed to the mounted file {@link ConfigFileWatcher} serves.
 * <p>
 * A mutable bean on purpose, unlike the records elsewhere: spring-cloud-kubernetes' reload ({@code refresh}
 * strategy) re-binds existing {@code @ConfigurationProperties} beans in place, which an immutable record
 * cannot take.
 */
@ConfigurationProperties("data")
public class ConfigMapApiProperties {

	private String message = "";

	public String getMessage() {
		return this.message;
	}

	public void setMessage(String message) {
		this.message = message;
	}

}
