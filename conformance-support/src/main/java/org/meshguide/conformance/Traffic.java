package org.meshguide.conformance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends many plain HTTP/1.1 requests and keeps what came back, with how long each took.
 */
public final class Traffic {

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private Traffic() {
	}

	public record Result(int status, String body, Duration took, HttpHeaders headers) {

		/** The first value of the response header {@code name}, or "" when it is absent. */
		public String header(String name) {
			return this.headers.firstValue(name).orElse("");
		}

		public boolean isV1() {
			return this.status == 200 && this.body.contains("response from: business V1");
		}

		public boolean isV2() {
			return this.status == 200 && this.body.contains("response from: business V2");
		}

	}

	public static Result get(URI uri, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
		headers.forEach(request::header);
		return send(request.build());
	}

	public static Result send(HttpRequest request) {
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
			return new Result(response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - start),
					response.headers());
		}
		catch (IOException ex) {
			throw new AssertionError("request to " + request.uri() + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Runs {@code task} {@code count} times on {@code threads} threads and returns the results in order. */
	public static <T> List<T> parallel(int count, int threads, java.util.concurrent.Callable<T> task) {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<T>> futures = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				futures.add(pool.submit(task));
			}
			List<T> results = new ArrayList<>(count);
			for (Future<T> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		catch (Exception ex) {
			throw new AssertionError("sending traffic failed: " + ex, ex);
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** {@code count} requests over {@code concurrency} connections. */
	public static List<Result> send(int count, int concurrency, URI uri, Map<String, String> headers) {
		List<Result> results = Collections.synchronizedList(new ArrayList<>(count));
		AtomicInteger remaining = new AtomicInteger(count);
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int i = 0; i < concurrency; i++) {
				workers.add(pool.submit(() -> {
					while (remaining.getAndDecrement() > 0) {
						results.add(get(uri, headers));
					}
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		catch (Exception ex) {
			throw new AssertionError("sending traffic failed: " + ex, ex);
		}
		finally {
			pool.shutdownNow();
		}
		return results;
	}

}
