package org.meshguide.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConfigFileWatcherTest {

	private static final Duration DEADLINE = Duration.ofSeconds(2);

	/** Long enough that a change seen within the deadline can only have come from the directory watch. */
	private static final Duration NO_POLL = Duration.ofHours(1);

	@TempDir
	Path mount;

	private KubeletAtomicWriter kubelet;

	private ConfigFileWatcher watcher;

	@BeforeEach
	void mountConfigMap() {
		this.kubelet = new KubeletAtomicWriter(this.mount, "config-data.json");
		this.kubelet.write("{\"key1\": \"value1\"}");
	}

	@AfterEach
	void stopWatcher() {
		if (this.watcher != null) {
			this.watcher.stop();
		}
	}

	private ConfigFileWatcher watcher(Duration pollInterval) {
		this.watcher = new ConfigFileWatcher(this.kubelet.visibleFile(), pollInterval, JsonMapper.builder().build(),
				Clock.systemUTC());
		return this.watcher;
	}

	@Test
	void servesTheMountedContentAtStart() {
		watcher(NO_POLL).start();
		assertThat(this.watcher.current().content()).isEqualTo("{\"key1\": \"value1\"}");
		assertThat(this.watcher.lastFailure()).isNull();
	}

	@Test
	void symlinkSwapIsServedWithinTheDeadlineThroughTheDirectoryWatch() {
		watcher(NO_POLL).start();
		this.kubelet.write("{\"key1\": \"value1\", \"key3\": \"value3\"}");
		await("new content served by the directory watch alone").atMost(DEADLINE)
			.until(() -> this.watcher.current().content().contains("key3"));
	}

	@Test
	void thePollServesAFileWhoseDirectoryCouldNotBeWatched() throws Exception {
		Path lateMount = this.mount.resolve("late");
		this.watcher = new ConfigFileWatcher(lateMount.resolve("config-data.json"), Duration.ofMillis(200),
				JsonMapper.builder().build(), Clock.systemUTC());
		this.watcher.start();
		assertThat(this.watcher.lastFailure().reason()).isEqualTo("file not found");
		Files.createDirectory(lateMount);
		new KubeletAtomicWriter(lateMount, "config-data.json").write("{\"polled\": true}");
		await("the poll serves the file").atMost(DEADLINE).until(() -> this.watcher.current().content().contains("polled"));
	}

	@Test
	void identicalContentDoesNotReload() {
		watcher(NO_POLL).reload();
		ConfigSnapshot first = this.watcher.current();
		this.kubelet.write("{\"key1\": \"value1\"}");
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.current()).isSameAs(first);
	}

	@Test
	void invalidJsonKeepsTheLastGoodContentAndIsReported() {
		watcher(NO_POLL).reload();
		ConfigSnapshot good = this.watcher.current();
		this.kubelet.write("{\"key1\": ");
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.current()).isSameAs(good);
		assertThat(this.watcher.lastFailure().reason()).startsWith("not valid JSON");

		Health health = new ConfigFileHealthIndicator(this.watcher).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("lastGoodLoad", good.loadedAt().toString())
			.containsKey("error")
			.containsKey("errorAt");

		this.kubelet.write("{\"fixed\": true}");
		assertThat(this.watcher.reload()).isTrue();
		assertThat(this.watcher.lastFailure()).isNull();
		assertThat(new ConfigFileHealthIndicator(this.watcher).health().getDetails()).doesNotContainKey("error");
	}

	@Test
	void aFileOverTheSizeLimitIsRefusedUnreadAndTheLastGoodContentKept() {
		this.watcher = new ConfigFileWatcher(this.kubelet.visibleFile(), NO_POLL,
				org.springframework.util.unit.DataSize.ofKilobytes(1), JsonMapper.builder().build(), Clock.systemUTC());
		this.watcher.reload();
		ConfigSnapshot good = this.watcher.current();
		this.kubelet.write("{\"big\": \"" + "x".repeat(2000) + "\"}");
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.current()).isSameAs(good);
		assertThat(this.watcher.lastFailure().reason()).isEqualTo("too large: 2011 bytes, at most 1024 are read");
	}

	@Test
	void jsonNestedDeeperThanJacksonAllowsIsInvalidJson() {
		watcher(NO_POLL).reload();
		ConfigSnapshot good = this.watcher.current();
		this.kubelet.write("[".repeat(100_000) + "]".repeat(100_000));
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.current()).isSameAs(good);
		assertThat(this.watcher.lastFailure().reason()).startsWith("not valid JSON").contains("nesting depth");
	}

	@Test
	void anEmptyFileOrOneThatIsNotUtf8IsRefused() throws Exception {
		watcher(NO_POLL).reload();
		ConfigSnapshot good = this.watcher.current();
		this.kubelet.write("  \n");
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.lastFailure().reason()).isEqualTo("not valid JSON: no value at all");
		Files.write(this.kubelet.visibleFile().toRealPath(), new byte[] { '{', (byte) 0xff, '}' });
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.lastFailure().reason()).isEqualTo("not UTF-8 text");
		assertThat(this.watcher.current()).isSameAs(good);
	}

	@Test
	void invalidJsonArrivingThroughTheWatchIsNotServed() {
		watcher(NO_POLL).start();
		this.kubelet.write("not json at all");
		await("the broken file reported").atMost(DEADLINE).until(() -> this.watcher.lastFailure() != null);
		assertThat(this.watcher.current().content()).isEqualTo("{\"key1\": \"value1\"}");
	}

	@Test
	void removedFileKeepsTheLastGoodContent() {
		watcher(NO_POLL).reload();
		this.kubelet.removeFile();
		assertThat(this.watcher.reload()).isFalse();
		assertThat(this.watcher.current().content()).isEqualTo("{\"key1\": \"value1\"}");
		assertThat(this.watcher.lastFailure().reason()).isEqualTo("file not found");
	}

	@Test
	void missingAtStartServesAnEmptyObjectAndSaysNeverLoaded() throws Exception {
		Path empty = Files.createDirectory(this.mount.resolve("empty"));
		this.watcher = new ConfigFileWatcher(empty.resolve("config-data.json"), NO_POLL, JsonMapper.builder().build(),
				Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC));
		this.watcher.start();
		assertThat(this.watcher.current().content()).isEqualTo("{}");
		assertThat(new ConfigFileHealthIndicator(this.watcher).health().getDetails())
			.containsEntry("lastGoodLoad", "never")
			.containsEntry("error", "file not found");
	}

}
