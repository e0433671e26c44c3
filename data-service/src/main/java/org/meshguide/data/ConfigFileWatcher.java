package org.meshguide.data;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.unit.DataSize;

/**
 * Keeps the content of a ConfigMap-mounted JSON file current, keeping the last good content when the file
 * is broken or missing.
 * <p>
 * The kubelet never writes a mounted ConfigMap file in place. It writes a new timestamped directory, points
 * a {@code ..data_tmp} symlink at it, renames that over {@code ..data} and deletes the old directory; the
 * visible file is a symlink through {@code ..data}. A watch on the file itself sees none of this. So the
 * watcher listens to the mount directory for any event, re-reads through the visible path (following the
 * links), and reloads only when the content's digest changed. A periodic poll covers lost events (inotify
 * queue overflow, file systems without inotify). A file over the size limit is refused without being read; JSON
 * nested deeper than Jackson's limit is invalid JSON.
 */
public class ConfigFileWatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ConfigFileWatcher.class);

	private final Path file;

	/** A ConfigMap holds at most 1 MiB: a larger file did not come from one. */
	static final DataSize DEFAULT_MAX_SIZE = DataSize.ofMegabytes(1);

	private final Duration pollInterval;

	private final DataSize maxSize;

	private final JsonMapper jsonMapper;

	private final Clock clock;

	private final AtomicReference<ConfigSnapshot> current = new AtomicReference<>(ConfigSnapshot.NONE);

	private final AtomicReference<LoadFailure> lastFailure = new AtomicReference<>();

	private volatile WatchService watchService;

	private ScheduledExecutorService poller;

	private volatile boolean running;

	public ConfigFileWatcher(Path file, Duration pollInterval, JsonMapper jsonMapper, Clock clock) {
		this(file, pollInterval, DEFAULT_MAX_SIZE, jsonMapper, clock);
	}

	/**
	 * @param maxSize the largest file taken: a bigger one is refused before it is read, like invalid JSON
	 */
	public ConfigFileWatcher(Path file, Duration pollInterval, DataSize maxSize, JsonMapper jsonMapper, Clock clock) {
		this.file = file.toAbsolutePath();
		this.maxSize = maxSize;
		this.pollInterval = pollInterval;
		this.jsonMapper = jsonMapper;
		this.clock = clock;
	}

	public ConfigSnapshot current() {
		return this.current.get();
	}

	/** The failure of the most recent load attempt, or {@code null} when that attempt succeeded. */
	public LoadFailure lastFailure() {
		return this.lastFailure.get();
	}

	public Path file() {
		return this.file;
	}

	/**
	 * Reads the file and takes its content if it is valid JSON and differs from what is served.
	 * @return {@code true} if the served content changed
	 */
	public synchronized boolean reload() {
		String content;
		try {
			long size = Files.size(this.file);
			if (size > this.maxSize.toBytes()) {
				return fail("too large: " + size + " bytes, at most " + this.maxSize.toBytes() + " are read");
			}
			content = Files.readString(this.file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			return fail("file not found");
		}
		catch (MalformedInputException ex) {
			return fail("not UTF-8 text");
		}
		catch (IOException ex) {
			return fail("cannot read: " + ex.getMessage());
		}
		String digest = sha256(content);
		if (digest.equals(this.current.get().sha256())) {
			this.lastFailure.set(null);
			return false;
		}
		try {
			if (this.jsonMapper.readTree(content).isMissingNode()) {
				return fail("not valid JSON: no value at all");
			}
		}
		catch (JacksonException ex) {
			return fail("not valid JSON: " + ex.getOriginalMessage());
		}
		ConfigSnapshot previous = this.current.getAndSet(new ConfigSnapshot(content, digest, this.clock.instant()));
		this.lastFailure.set(null);
		log.info("Loaded {} (sha256 {}, was {})", this.file, abbreviate(digest),
				previous.loaded() ? abbreviate(previous.sha256()) : "nothing");
		return true;
	}

	private boolean fail(String reason) {
		LoadFailure previous = this.lastFailure.getAndSet(new LoadFailure(reason, this.clock.instant()));
		if (previous == null || !previous.reason().equals(reason)) {
			ConfigSnapshot kept = this.current.get();
			log.warn("Config file {} rejected: {}; keeping {}", this.file, reason,
					kept.loaded() ? "the content loaded at " + kept.loadedAt() : "no content (none loaded yet)");
		}
		return false;
	}

	@Override
	public void start() {
		this.running = true;
		reload();
		startWatching();
		this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "config-file-poll");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.pollInterval.toMillis();
		this.poller.scheduleWithFixedDelay(this::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
	}

	private void startWatching() {
		Path directory = this.file.getParent();
		try {
			WatchService service = directory.getFileSystem().newWatchService();
			directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
					StandardWatchEventKinds.ENTRY_DELETE);
			this.watchService = service;
			Thread thread = new Thread(() -> watch(service), "config-file-watch");
			thread.setDaemon(true);
			thread.start();
			log.info("Watching {} for changes to {} (poll every {})", directory, this.file.getFileName(),
					this.pollInterval);
		}
		catch (NoSuchFileException ex) {
			log.warn("Cannot watch {}: the directory does not exist; relying on the poll every {}", directory,
					this.pollInterval);
		}
		catch (IOException ex) {
			log.warn("Cannot watch {} ({}); relying on the poll every {}", directory, ex.getMessage(),
					this.pollInterval);
		}
	}

	private void watch(WatchService service) {
		while (this.running) {
			WatchKey key;
			try {
				key = service.take();
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				return;
			}
			key.pollEvents();
			reloadQuietly();
			if (!key.reset()) {
				log.warn("{} is no longer watchable; relying on the poll every {}", this.file.getParent(),
						this.pollInterval);
				return;
			}
		}
	}

	private void reloadQuietly() {
		try {
			reload();
		}
		catch (RuntimeException ex) {
			log.error("Reloading {} failed unexpectedly", this.file, ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.poller != null) {
			this.poller.shutdownNow();
		}
		WatchService service = this.watchService;
		if (service != null) {
			try {
				service.close();
			}
			catch (IOException ex) {
				log.debug("Closing the watch service failed: {}", ex.getMessage());
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private static String sha256(String content) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	private static String abbreviate(String digest) {
		return digest.substring(0, 12);
	}

	/**
	 * Why the last load attempt was rejected.
	 */
	public record LoadFailure(String reason, Instant at) {
	}

}
