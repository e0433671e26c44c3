package org.meshguide.conformance;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A steady load at a fixed rate, open loop: a request leaves every 1/qps seconds whether or not the earlier ones
 * have been answered, the way independent clients arrive, so a hung instance shows up as latency and not as a
 * slower sender. Bounded: it stops at {@code maxRequests}, each request gives up after {@link #REQUEST_TIMEOUT},
 * and at most {@link #MAX_IN_FLIGHT} are outstanding (beyond that a request is counted as failed, not sent).
 * Every answer is kept with the time it was sent, so a test can count by status and by instance, and tell when
 * an instance served again.
 */
final class LoadRun implements AutoCloseable {

	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	static final int MAX_IN_FLIGHT = 2000;

	private static final Pattern DATA_INSTANCE = Pattern.compile("data from (data-service-\\d)");

	/**
	 * One request: when it left (ms after the run started), what came back ({@code status} -1 when nothing did,
	 * with {@code failure} saying why), who answered and how long it took.
	 */
	record Answer(long sentAtMs, int status, String servedBy, long latencyMs, String failure) {

		boolean ok() {
			return this.status == 200;
		}

		String outcome() {
			return (this.status > 0) ? String.valueOf(this.status) : this.failure;
		}

	}

	/** Where the load goes and how an answer names the instance that produced it. */
	record Target(String description, HttpClient client, URI uri, Function<HttpResponse<String>, String> servedBy) {

		/**
		 * Through a workload's outbound listener used as its HTTP proxy, as that workload's app calls the service
		 * (the same route, retries and load balancing); the answering instance is its {@code x-served-by}.
		 */
		static Target viaSidecar(String caller, InetSocketAddress outbound, String url) {
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.proxy(ProxySelector.of(outbound))
				.connectTimeout(Duration.ofSeconds(2))
				.build();
			return new Target("GET " + url + " as " + caller + " calls it (proxy " + outbound.getHostString() + ":"
					+ outbound.getPort() + ")", client, URI.create(url),
					response -> response.headers().firstValue("x-served-by").orElse(""));
		}

		/**
		 * From outside through the ingress gateway, the whole chain; the instance named is the data-service one
		 * that business-v2 quoted, else the business version that answered.
		 */
		static Target ingress(String path) {
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(2))
				.build();
			URI uri = LocalMesh.INGRESS.resolve(path);
			return new Target("GET " + uri + " through the ingress gateway", client, uri, response -> {
				Matcher data = DATA_INSTANCE.matcher(response.body());
				if (data.find()) {
					return data.group(1);
				}
				return response.body().contains("business V1") ? "business-v1" : "";
			});
		}

	}

	private final Target target;

	private final int qps;

	private final int maxRequests;

	private final long startNanos = System.nanoTime();

	private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "load-run");
		thread.setDaemon(true);
		return thread;
	});

	private volatile long stoppedAtMs = -1;

	private LoadRun(Target target, int qps, int maxRequests) {
		this.target = target;
		this.qps = qps;
		this.maxRequests = maxRequests;
	}

	/** Starts sending {@code qps} requests a second to {@code target}, {@code maxRequests} at most. */
	static LoadRun start(Target target, int qps, int maxRequests) {
		LoadRun run = new LoadRun(target, qps, maxRequests);
		run.scheduler.scheduleAtFixedRate(run::sendOne, 0, 1_000_000_000L / qps, TimeUnit.NANOSECONDS);
		return run;
	}

	private void sendOne() {
		if (this.stoppedAtMs >= 0 || this.sent.get() >= this.maxRequests) {
			stopSending();
			return;
		}
		this.sent.incrementAndGet();
		long sentAt = elapsedMs();
		if (this.inFlight.get() >= MAX_IN_FLIGHT) {
			this.answers.add(new Answer(sentAt, -1, "", 0, "client: " + MAX_IN_FLIGHT + " in flight"));
			return;
		}
		this.inFlight.incrementAndGet();
		HttpRequest request = HttpRequest.newBuilder(this.target.uri()).timeout(REQUEST_TIMEOUT).GET().build();
		long start = System.nanoTime();
		this.target.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
			long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			if (response != null) {
				this.answers.add(new Answer(sentAt, response.statusCode(), this.target.servedBy().apply(response), latency,
						null));
			}
			else {
				this.answers.add(new Answer(sentAt, -1, "", latency, failure(error)));
			}
			this.inFlight.decrementAndGet();
		});
	}

	private static String failure(Throwable error) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		return (cause instanceof HttpTimeoutException) ? "timeout" : cause.getClass().getSimpleName();
	}

	private void stopSending() {
		if (this.stoppedAtMs < 0) {
			this.stoppedAtMs = elapsedMs();
		}
		this.scheduler.shutdown();
	}

	long elapsedMs() {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.startNanos);
	}

	int sent() {
		return this.sent.get();
	}

	/** Waits (Awaitility) until {@code count} requests have left: the run's clock for scheduling a fault. */
	void awaitSent(int count) {
		await().atMost(Duration.ofMillis(5000L + 2000L * count / this.qps))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.sent.get() >= count || this.stoppedAtMs >= 0);
	}

	/** Stops sending and waits for the answers still outstanding (each is bounded by the request timeout). */
	List<Answer> finish() {
		stopSending();
		await().atMost(REQUEST_TIMEOUT.plusSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.inFlight.get() == 0);
		return answers();
	}

	/** Waits until all {@code maxRequests} have left, then as {@link #finish()}. */
	List<Answer> awaitAll() {
		awaitSent(this.maxRequests);
		return finish();
	}

	/** The answers so far, in the order the requests left. */
	List<Answer> answers() {
		List<Answer> sorted = new ArrayList<>(this.answers);
		sorted.sort(Comparator.comparingLong(Answer::sentAtMs));
		return sorted;
	}

	Target target() {
		return this.target;
	}

	int qps() {
		return this.qps;
	}

	@Override
	public void close() {
		stopSending();
	}

	/** Answers by outcome: the status code, or why nothing came back. */
	static Map<String, Long> outcomes(List<Answer> answers) {
		Map<String, Long> outcomes = new TreeMap<>();
		answers.forEach(answer -> outcomes.merge(answer.outcome(), 1L, Long::sum));
		return outcomes;
	}

	static long errors(List<Answer> answers) {
		return answers.stream().filter(answer -> !answer.ok()).count();
	}

	/** The latency below which {@code percent} % of the answers (errors included) came back, in ms. */
	static long percentile(List<Answer> answers, double percent) {
		long[] latencies = answers.stream().mapToLong(Answer::latencyMs).sorted().toArray();
		if (latencies.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percent / 100.0 * latencies.length) - 1;
		return latencies[Math.max(0, Math.min(index, latencies.length - 1))];
	}

	/** The first answer by {@code instance} to a request that left at or after {@code fromMs}, if any. */
	static Optional<Answer> firstServedBy(List<Answer> answers, String instance, long fromMs) {
		return answers.stream()
			.filter(answer -> answer.sentAtMs() >= fromMs && answer.ok() && instance.equals(answer.servedBy()))
			.min(Comparator.comparingLong(Answer::sentAtMs));
	}

	/** "n sent at r/s over s: outcomes; errors e (x %); p50/p99" for the report lines. */
	static String describe(List<Answer> answers, int qps) {
		long errors = errors(answers);
		long span = answers.isEmpty() ? 0 : answers.get(answers.size() - 1).sentAtMs() - answers.get(0).sentAtMs();
		return String.format("%d sent at %d/s over %.1f s: %s; errors %d (%.2f %%); latency p50 %d ms, p99 %d ms",
				answers.size(), qps, span / 1000.0, outcomes(answers), errors, share(errors, answers.size()),
				percentile(answers, 50), percentile(answers, 99));
	}

	/**
	 * Waits (Awaitility) until {@code condition} holds, at most {@code timeout}; false if it never did, so the
	 * caller can report what it measured before failing.
	 */
	static boolean eventually(Duration timeout, Callable<Boolean> condition) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	static double share(long part, long whole) {
		return (whole == 0) ? 0 : 100.0 * part / whole;
	}

}
