package org.meshguide.common.echo;

import org.meshguide.common.AppProperties;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Starts the TCP echo listener in the apps that set {@code business.echo.enabled=true}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty("business.echo.enabled")
@EnableConfigurationProperties({ EchoProperties.class, AppProperties.class })
public class TcpEchoAutoConfiguration {

	@Bean
	TcpEchoServer tcpEchoServer(EchoProperties echo, AppProperties app,
			@Value("${server.address:}") String serverAddress) {
		return new TcpEchoServer(TcpEchoServer.bindAddress(echo.address(), serverAddress, echo.port()), app.version(),
				echo);
	}

}
