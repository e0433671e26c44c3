package org.meshguide.common.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Echoes each line it receives, prefixed with the version that answered ({@code v1 hello}). Counting the
 * prefixes over many connections is how the TCP traffic-shifting sample proves its weights, since TCP
 * routing in Istio is per connection, not per line.
 */
public class TcpEchoServer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(TcpEchoServer.class);

	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

	private final InetSocketAddress bindAddress;

	private final String prefix;

	private final EchoProperties properties;

	private final Semaphore slots;

	private volatile ServerSocket serverSocket;

	private ExecutorService workers;

	public TcpEchoServer(InetSocketAddress bindAddress, String prefix, EchoProperties properties) {
		this.bindAddress = bindAddress;
		this.prefix = prefix;
		this.properties = properties;
		this.slots = new Semaphore(properties.maxConnections());
	}

	@Override
	public void start() {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(this.bindAddress);
			this.serverSocket = socket;
		}
		catch (IOException ex) {
			throw new IllegalStateException("TCP echo cannot listen on " + this.bindAddress + ": " + ex.getMessage(), ex);
		}
		this.workers = Executors.newCachedThreadPool(runnable -> {
			Thread thread = new Thread(runnable, "tcp-echo");
			thread.setDaemon(true);
			return thread;
		});
		Thread acceptor = new Thread(this::acceptLoop, "tcp-echo-accept");
		acceptor.setDaemon(true);
		acceptor.start();
		log.info("TCP echo listening on {} with prefix '{}'", getLocalAddress(), this.prefix);
	}

	/** The bound address: the configured port, or the one the OS chose for port 0. */
	public InetSocketAddress getLocalAddress() {
		ServerSocket socket = this.serverSocket;
		return (socket != null) ? (InetSocketAddress) socket.getLocalSocketAddress() : this.bindAddress;
	}

	private void acceptLoop() {
		while (isRunning()) {
			try {
				this.slots.acquire();
				Socket client = this.serverSocket.accept();
				this.workers.execute(() -> serve(client));
			}
			catch (SocketException ex) {
				this.slots.release();
				return;
			}
			catch (IOException ex) {
				this.slots.release();
				log.warn("TCP echo accept failed: {}", ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void serve(Socket client) {
		try (client) {
			client.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
			BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
			OutputStream out = client.getOutputStream();
			String line;
			while ((line = in.readLine()) != null) {
				if (line.length() > this.properties.maxLineLength()) {
					out.write(("line longer than " + this.properties.maxLineLength() + " characters\n")
						.getBytes(StandardCharsets.UTF_8));
					return;
				}
				out.write((this.prefix + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
			}
		}
		catch (IOException ex) {
			log.debug("TCP echo connection ended: {}", ex.getMessage());
		}
		finally {
			this.slots.release();
		}
	}

	@Override
	public void stop() {
		ServerSocket socket = this.serverSocket;
		this.serverSocket = null;
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				log.debug("Closing the TCP echo socket failed: {}", ex.getMessage());
			}
		}
		if (this.workers != null) {
			this.workers.shutdown();
			try {
				this.workers.awaitTermination(2, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.serverSocket != null;
	}

	static InetSocketAddress bindAddress(String echoAddress, String serverAddress, int port) {
		String host = (echoAddress != null && !echoAddress.isBlank()) ? echoAddress : serverAddress;
		if (host == null || host.isBlank()) {
			return new InetSocketAddress(port);
		}
		try {
			return new InetSocketAddress(InetAddress.getByName(host), port);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("business.echo.address '" + host + "' is not an address", ex);
		}
	}

}
