package orggraph.launcher;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs a real Neo4j Community DBMS (embedded API) with its Bolt connector, so
 * tests can talk to it exactly as they would to a packaged server.
 *
 * Usage: java -jar neo4j-launcher.jar HOME_DIR [PORT [PASSWORD]]
 * HOME_DIR, PORT and PASSWORD may also come from NEO4J_HOME_DIR, NEO4J_PORT
 * and NEO4J_PASSWORD (the environment is preferred for the password, so it
 * does not show up in `ps`). Defaults: port 7687, password "orggraph-test".
 *
 * Prints one line starting with "NEO4J-LAUNCHER READY" on stdout once Bolt
 * answers a handshake; exits 1 with a message on stderr if startup fails.
 */
public final class Main {
    static final String READY = "NEO4J-LAUNCHER READY";

    public static void main(String[] args) {
        Path home;
        int port;
        String password;
        try {
            home = Path.of(arg(args, 0, "NEO4J_HOME_DIR", null)).toAbsolutePath();
            port = Integer.parseInt(arg(args, 1, "NEO4J_PORT", "7687"));
            password = arg(args, 2, "NEO4J_PASSWORD", "orggraph-test");
            Files.createDirectories(home);
        } catch (Exception e) {
            fail("bad arguments: " + e.getMessage()
                    + "\nusage: neo4j-launcher HOME_DIR [PORT [PASSWORD]]", null);
            return;
        }

        DatabaseManagementService dbms = null;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    // Neo4j's user log (startup/shutdown, errors) goes to stdout, which
                    // scripts/neo4j redirects to a log file; debug.log stays in HOME_DIR/logs.
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .setConfig(Map.of(
                            BoltConnector.enabled, true,
                            // Loopback only: this is a test database with a known password.
                            BoltConnector.listen_address, new SocketAddress("127.0.0.1", port),
                            // Routing drivers (neo4j://) are sent to this address.
                            BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port),
                            GraphDatabaseSettings.auth_enabled, true,
                            // Keep the footprint modest; the JVM heap is set by the caller (-Xmx).
                            GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256),
                            // No phoning home; the machine has no internet anyway.
                            GraphDatabaseSettings.udc_enabled, false,
                            // Throw-away test data: do not keep old transaction logs.
                            GraphDatabaseSettings.keep_logical_logs, "false",
                            // Netty's default 5s quiet period per Bolt event loop made every
                            // stop take ~10s; tests close their drivers before stopping.
                            GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 1))
                    .build();
        } catch (Throwable t) {
            fail("Neo4j failed to start (is port " + port + " already in use?)", t);
            return;
        }

        // Shut down cleanly on SIGTERM/SIGINT so the store is left consistent.
        final DatabaseManagementService running = dbms;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j-launcher: shutting down");
            running.shutdown();
            System.out.println("neo4j-launcher: stopped");
        }, "neo4j-launcher-shutdown"));

        try {
            // A fresh DBMS has user neo4j/neo4j with "change required"; replace that
            // with the known test password. Parameters avoid any quoting issues. (Bolt is
            // already up, but neo4j/neo4j can only change the password, and clients wait
            // for the ready line below anyway.)
            setPassword(dbms, password);

            String version = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally(
                    "CALL dbms.components() YIELD name, versions, edition "
                            + "RETURN name + ' ' + versions[0] + ' ' + edition AS v",
                    Map.of(), r -> r.hasNext() ? String.valueOf(r.next().get("v")) : "unknown");

            waitForBolt(port, 60_000);
            System.out.println(READY + " bolt://127.0.0.1:" + port + " (" + version + ")");
            System.out.flush();
        } catch (Throwable t) {
            // exit() runs the shutdown hook, which stops the DBMS.
            fail("Neo4j started but could not be made ready", t);
            return;
        }

        // Keep the JVM alive; Neo4j's own threads may be daemons.
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /** Positional argument, else environment variable, else default. */
    private static String arg(String[] args, int i, String env, String def) {
        if (args.length > i && !args[i].isEmpty()) {
            return args[i];
        }
        String v = System.getenv(env);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        if (def == null) {
            throw new IllegalArgumentException("missing HOME_DIR (argument 1 or $" + env + ")");
        }
        return def;
    }

    /**
     * Succeeds once the port speaks Bolt: send the handshake (magic 0x6060B017
     * and four version proposals) and expect a non-zero version back. A plain
     * TCP connect would also accept a foreign process that holds the port.
     */
    private static void waitForBolt(int port, long timeoutMillis) throws Exception {
        byte[] handshake = {
            (byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17,
            0, 8, 8, 5, // 5.8 down to 5.0
            0, 0, 4, 4, // 4.4
            0, 0, 0, 0,
            0, 0, 0, 0,
        };
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                s.setSoTimeout(5_000);
                OutputStream out = s.getOutputStream();
                out.write(handshake);
                out.flush();
                int agreed = new DataInputStream(s.getInputStream()).readInt();
                if (agreed != 0) {
                    return;
                }
                last = new IllegalStateException("Bolt handshake: no common protocol version");
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Bolt did not answer on 127.0.0.1:" + port, last);
    }

    private static void fail(String message, Throwable t) {
        StringBuilder sb = new StringBuilder("neo4j-launcher: ERROR: ").append(message);
        // Print the cause chain briefly; the full trace follows for debugging.
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append("\n  caused by: ").append(c);
        }
        System.err.println(sb);
        if (t != null) {
            t.printStackTrace();
        }
        System.exit(1);
    }

    /**
     * Sets neo4j's password. A data folder kept from an earlier run (NEO4J_DATA_DIR)
     * already has it, and Neo4j refuses to set a password to its current value:
     * that refusal means the password is already right.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                String m = c.getMessage();
                if (m != null && m.contains("Old password and new password cannot be the same")) {
                    return;
                }
            }
            throw e;
        }
    }
}
