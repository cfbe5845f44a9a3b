package dev.managedbackend.internal.prefork;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The JVM's end of one template's control channel: a Unix-domain socket, which the template
 * connects to before it imports the app. Requests go down it, answers and exit codes come up.
 *
 * <p>Why a socket: the template's stdout and stderr are the app's, and an app may print anything
 * at import, so they only go to the template's log. {@link ProcessBuilder} passes no file
 * descriptor but 0, 1 and 2, so an extra inherited pipe is out; a named pipe cannot be made from
 * Java and its open blocks until the other end opens, so a template that dies first would hang
 * us. A socket's accept is closed when the template dies, and its EOF is how either end learns
 * that the other is gone: a SIGKILLed JVM makes its templates exit.
 *
 * <p>Who may connect: the socket is in a folder made for it that only this user may enter
 * (0700), and both the socket file and the folder are deleted as soon as the template has
 * connected (by the template too, should this JVM be killed first).
 */
final class ControlChannel implements AutoCloseable {

    private static final int MAX_LINE = 64 * 1024;

    private final Path folder;
    private final Path socket;
    private final ServerSocketChannel server;
    private volatile SocketChannel connection;
    private volatile boolean closed;
    private final Object sending = new Object();
    /** The reader thread's own: bytes read but not yet a whole line. */
    private final ByteBuffer received = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private ControlChannel(Path folder, Path socket, ServerSocketChannel server) {
        this.folder = folder;
        this.socket = socket;
        this.server = server;
        received.flip(); // empty, ready to be read from
    }

    static ControlChannel open() throws IOException {
        Path folder = Files.createTempDirectory("managed-backend-prefork-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = folder.resolve("channel");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(folder);
            throw e;
        }
        return new ControlChannel(folder, socket, server);
    }

    /** Where the template connects to. */
    Path address() {
        return socket;
    }

    /**
     * Waits for the template to connect.
     *
     * @return false if {@link #stopAccepting()} or {@link #close()} came first (the template ended)
     */
    boolean accept() {
        try {
            connection = server.accept();
            if (closed) { // close() came while it connected and may not have seen it
                connection.close();
                return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            stopAccepting();
        }
    }

    /** No connection will come (the template ended): an {@link #accept()} waiting returns false. */
    void stopAccepting() {
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // the template deleted them, or /tmp is cleaned by the system
        }
    }

    /** The next line from the template, without its line break; null at EOF. Reader thread only. */
    String readLine() throws IOException {
        SocketChannel from = connection;
        line.reset();
        while (true) {
            while (received.hasRemaining()) {
                byte b = received.get();
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() < MAX_LINE) {
                    line.write(b);
                }
            }
            received.clear();
            int read = from.read(received);
            received.flip();
            if (read < 0) {
                return null;
            }
        }
    }

    /** Sends one line; the channel's own read and write locks let it cross a read in progress. */
    void send(String text) throws IOException {
        SocketChannel to = connection;
        if (to == null) {
            throw new IOException("the template is not connected");
        }
        ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (sending) {
            while (bytes.hasRemaining()) {
                to.write(bytes);
            }
        }
    }

    /** Closes both ends we hold: the template reads EOF and exits; a read in progress ends. */
    @Override
    public void close() {
        closed = true;
        stopAccepting();
        SocketChannel open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
