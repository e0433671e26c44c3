package org.meshguide.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP routing on business:9000 (the line echo, replying "v1 hello" / "v2 hello"), from gateway-service's
 * outbound TCP listener 127.0.11.1:9000: one new connection per line, so every connection is routed anew.
 *
 * <p>All to v1: n = 200 connections, 100 % v1 (no tolerance). 80/20: n = 1000 connections at p = 0.2 gives
 * sigma = 1.26 points; ±4.5 points is 3.6 sigma (a correct mesh fails about once in 3000 runs).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TcpTrafficShiftingIT {

	private static final String SUBSETS = "destination-rule-business-subsets.yaml";

	private static final InetSocketAddress BUSINESS_TCP = new InetSocketAddress("127.0.11.1", 9000);

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void allConnectionsGoToV1() {
		LocalMesh.use(SUBSETS, "virtual-service-business-tcp-all-v1.yaml");
		int n = 200;
		Map<String, Long> byVersion = connections(n);
		long v1 = byVersion.getOrDefault("v1", 0L);
		Report.line("TCP all to v1: n=%d connections, v1=%d, counts by prefix %s (required 100 %% v1) -> %s", n, v1, byVersion,
				(v1 == n) ? "PASS" : "FAIL");
		assertThat(v1).isEqualTo(n);
	}

	@Test
	void connectionsSplit80To20() {
		LocalMesh.use(SUBSETS, "virtual-service-business-tcp-80-20.yaml");
		int n = 1000;
		Map<String, Long> byVersion = connections(n);
		assertThat(byVersion.keySet()).containsExactlyInAnyOrder("v1", "v2");
		Binomial.assertShare("TCP 80/20, share of v2 connections", byVersion.get("v2"), n, 0.20, 0.045);
	}

	/** n connections over 4 threads, each sending "hello" and reading one reply line; counted by its prefix. */
	private static Map<String, Long> connections(int n) {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<String>> replies = IntStream.range(0, n).mapToObj(i -> pool.submit(() -> echo("hello"))).toList();
			return replies.stream().map(f -> {
				try {
					String reply = f.get();
					assertThat(reply).matches("v[12] hello");
					return reply.substring(0, 2);
				}
				catch (Exception ex) {
					throw new AssertionError(ex);
				}
			}).collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static String echo(String line) throws IOException {
		try (Socket socket = new Socket()) {
			socket.setSoTimeout(10_000);
			socket.connect(BUSINESS_TCP, 2000);
			OutputStream out = socket.getOutputStream();
			out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
			if (reply == null) {
				throw new IOException("connection closed without a reply");
			}
			return reply;
		}
	}

}
