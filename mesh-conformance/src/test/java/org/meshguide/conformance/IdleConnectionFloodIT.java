package org.meshguide.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 8, an idle-connection flood: 500 TCP connections opened to the ingress gateway and left silent, while
 * normal traffic (50 requests a second through the whole chain) runs beside them. Compared with the same traffic
 * without them, in alternating 2.5 s blocks (four with, four without, 20 s in all), so that whatever else the
 * shared machine does falls on both sides alike: 0 errors on either side (n = 500 each, no tolerance), and the
 * median and the 90th percentile latency at most twice what they are without (plus 2 ms, below which scheduling
 * is noise). At the end of each block every one of the 500 connections must still be open: Envoy holds them at
 * the cost of a file descriptor and a few KiB each, without a thread per connection.
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class IdleConnectionFloodIT {

	private static final int QPS = 50;

	private static final int IDLE = 500;

	private static final int ROUNDS = 4;

	private static final int BLOCK = QPS * 5 / 2;

	private static final long NOISE_MS = 2;

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void idleConnectionsDoNotSlowNormalTraffic() throws IOException {
		LocalMesh.use();
		List<LoadRun.Answer> quiet = new ArrayList<>();
		List<LoadRun.Answer> flooded = new ArrayList<>();
		long open = IDLE;
		for (int round = 0; round < ROUNDS; round++) {
			quiet.addAll(block());
			List<Socket> idle = new ArrayList<>();
			try {
				for (int i = 0; i < IDLE; i++) {
					Socket socket = new Socket();
					idle.add(socket);
					socket.connect(new InetSocketAddress(LocalMesh.INGRESS.getHost(), LocalMesh.INGRESS.getPort()), 2000);
				}
				flooded.addAll(block());
				open = Math.min(open, idle.stream().filter(IdleConnectionFloodIT::stillOpen).count());
			}
			finally {
				for (Socket socket : idle) {
					socket.close();
				}
			}
		}
		long quietP50 = LoadRun.percentile(quiet, 50);
		long quietP90 = LoadRun.percentile(quiet, 90);
		long floodedP50 = LoadRun.percentile(flooded, 50);
		long floodedP90 = LoadRun.percentile(flooded, 90);
		boolean pass = LoadRun.errors(quiet) == 0 && LoadRun.errors(flooded) == 0
				&& floodedP50 <= 2 * quietP50 + NOISE_MS && floodedP90 <= 2 * quietP90 + NOISE_MS && open == IDLE;
		Report.resilience("idle-connection flood, %d x 2.5 s without and with: without: %s; with %d idle connections: "
				+ "%s; at least %d of them still open after each block (required: 0 errors, p50 and p90 <= 2x + %d ms, "
				+ "all open) -> %s", ROUNDS, LoadRun.describe(quiet, QPS), IDLE, LoadRun.describe(flooded, QPS), open,
				NOISE_MS, pass ? "PASS" : "FAIL");
		ResilienceSummary.row(8, "500 idle connections to the ingress", "base config", flooded.size(),
				LoadRun.errors(flooded),
				String.format("p50 %d -> %d ms, p90 %d -> %d ms", quietP50, floodedP50, quietP90, floodedP90),
				"0 errors; p50, p90 <= 2x", pass);

		assertThat(LoadRun.outcomes(quiet)).as("answers without the idle connections").containsOnlyKeys("200");
		assertThat(LoadRun.outcomes(flooded)).as("answers beside %d idle connections", IDLE).containsOnlyKeys("200");
		assertThat(floodedP50).as("median latency (ms) beside the idle connections, quiet %d ms", quietP50)
			.isLessThanOrEqualTo(2 * quietP50 + NOISE_MS);
		assertThat(floodedP90).as("p90 latency (ms) beside the idle connections, quiet %d ms", quietP90)
			.isLessThanOrEqualTo(2 * quietP90 + NOISE_MS);
		assertThat(open).as("idle connections Envoy kept open").isEqualTo(IDLE);
	}

	private static List<LoadRun.Answer> block() {
		try (LoadRun run = LoadRun.start(LoadRun.Target.ingress("/"), QPS, BLOCK)) {
			return run.awaitAll();
		}
	}

	/** A silent connection the peer has neither closed nor answered: a read finds nothing within 10 ms. */
	private static boolean stillOpen(Socket socket) {
		try {
			socket.setSoTimeout(10);
			socket.getInputStream().read();
			return false;
		}
		catch (SocketTimeoutException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
