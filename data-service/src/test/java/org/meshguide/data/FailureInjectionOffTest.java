package org.meshguide.data;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Off by default: no filter, no admin endpoint (the Kubernetes manifests do not turn it on). */
@SpringBootTest(properties = "data.config-file=${java.io.tmpdir}/absent-config-data.json")
class FailureInjectionOffTest {

	@Autowired
	ApplicationContext context;

	@Test
	void noKnobUnlessEnabled() {
		assertThat(this.context.getBeansOfType(FailureInjection.class)).isEmpty();
		assertThat(this.context.getBeansOfType(FailureInjectionController.class)).isEmpty();
	}

}
