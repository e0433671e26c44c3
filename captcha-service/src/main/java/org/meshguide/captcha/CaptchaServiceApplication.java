package org.meshguide.captcha;

import java.io.IOException;

import ai.onnxruntime.OrtException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CaptchaServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(CaptchaServiceApplication.class, args);
	}

	@Bean
	CaptchaModel captchaModel(CaptchaProperties properties) throws IOException, OrtException {
		return new CaptchaModel(properties);
	}

	@Bean
	Profiles captchaProfiles(CaptchaProperties properties) {
		return new Profiles(properties.profiles());
	}

}
