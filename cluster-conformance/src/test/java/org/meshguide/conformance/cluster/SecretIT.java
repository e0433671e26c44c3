package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample Secret data-service-secret mounted as files for Spring Boot's configtree (/etc/secrets/data.api-token
 * is the property data.api-token): readable by the app's user in every Pod, and never shown by kubectl describe
 * (neither of the Pod, which names only the volume, nor of the Secret, which gives byte counts) nor in the
 * container's environment.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecretIT {

	private static final String FILE = "/etc/secrets/data.api-token";

	@Test
	void mountedSecretIsReadableAndNeverDescribed() {
		String value = new String(Base64.getDecoder()
			.decode(Kubectl.ok("get", "secret", "data-service-secret", "-o", "jsonpath={.data.data\\.api-token}")));
		assertThat(value).isNotBlank();
		List<DataServicePods.Pod> pods = DataServicePods.pods();
		assertThat(pods).hasSize(2);
		for (DataServicePods.Pod pod : pods) {
			assertThat(pod.exec("grep", "^Uid:", "/proc/self/status")).as("the app's user in %s", pod.name())
				.matches("Uid:\\s+1000\\s+1000\\s+1000\\s+1000\\s*");
			assertThat(pod.exec("cat", FILE)).as("%s in %s", FILE, pod.name()).isEqualTo(value);
			assertThat(pod.exec("env")).as("the environment of %s", pod.name()).doesNotContain(value);
		}
		String describePods = Kubectl.ok(Duration.ofSeconds(60), "describe", "pods", "-l", "app=data-service");
		String describeSecret = Kubectl.ok("describe", "secret", "data-service-secret");
		Report.line("cluster: Secret data-service-secret: %s readable by uid 1000 in %d Pods, value in kubectl describe "
				+ "pods: %s, in kubectl describe secret: %s ('%s'), in the container env: no -> %s", FILE, pods.size(),
				describePods.contains(value) ? "yes" : "no", describeSecret.contains(value) ? "yes" : "no",
				describeSecret.lines().filter(l -> l.startsWith("data.api-token")).findFirst().orElse("").strip(),
				(!describePods.contains(value) && !describeSecret.contains(value)) ? "PASS" : "FAIL");
		assertThat(describePods).as("kubectl describe pods -l app=data-service").contains(FILE.substring(0, 12))
			.doesNotContain(value);
		assertThat(describeSecret).as("kubectl describe secret").contains("data.api-token").doesNotContain(value);
	}

}
