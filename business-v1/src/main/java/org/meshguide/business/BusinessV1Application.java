package org.meshguide.business;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class BusinessV1Application {

	public static void main(String[] args) {
		SpringApplication.run(BusinessV1Application.class, args);
	}

}
