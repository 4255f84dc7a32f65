package vn.loalang.controller.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The controller's SQLite file. SQLite allows one writer at a time, so the store keeps a single
 * connection and lets one piece of work use it at a time: no pool, no "database is locked" between
 * our own threads. The schema is versioned with Flyway migrations ({@code db/migration}), applied
 * when the file is opened.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    /** Another process (an operator's sqlite3 shell) may hold the file for a moment; wait rather than fail. */
    private static final int BUSY_TIMEOUT_MS = 5_000;

    /** Work done on the store's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private Store(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating it and its folder when missing) and migrates the store at {@code file}. */
    public static Store open(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException("Cannot create the folder of the store " + absolute + ": " + e.getMessage(), e);
        }
        SQLiteDataSource source = new SQLiteDataSource(config());
        source.setUrl("jdbc:sqlite:" + absolute);
        Connection connection;
        try {
            connection = source.getConnection();
        } catch (SQLException e) {
            throw new StoreException("Cannot open the store " + absolute + " (is it an SQLite database?): "
                    + e.getMessage(), e);
        }
        try {
            migrate(absolute, source);
        } catch (StoreException e) {
            closeQuietly(connection);
            throw e;
        }
        log.info("Store {} open", absolute);
        return new Store(absolute, connection);
    }

    private static SQLiteConfig config() {
        SQLiteConfig config = new SQLiteConfig();
        // WAL: readers (an operator's query) do not block the writer, and a power cut loses at most
        // the transaction being written, never the file.
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return config;
    }

    private static void migrate(Path file, SQLiteDataSource source) {
        try {
            MigrateResult result = Flyway.configure(Store.class.getClassLoader())
                    .dataSource(source)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("Store {} migrated from schema version {} to {}", file,
                        result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion, result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreException("Cannot migrate the store " + file + " (is it an SQLite database of Loa Làng?): "
                    + e.getMessage(), e);
        }
    }

    /** A REAL column that may be NULL (the driver's getObject(i, Double.class) refuses NULL). */
    public static Double nullableDouble(java.sql.ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    public Path file() {
        return file;
    }

    /** Runs {@code work} as one transaction: everything it writes is kept, or (when it throws) nothing. */
    public <T> T transaction(Work<T> work) {
        lock.lock();
        try {
            requireOpen();
            try {
                connection.setAutoCommit(false);
                try {
                    T result = work.apply(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new StoreException("Cannot write to the store " + file + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} that only reads. */
    public <T> T query(Work<T> work) {
        lock.lock();
        try {
            requireOpen();
            return work.apply(connection);
        } catch (SQLException e) {
            throw new StoreException("Cannot read the store " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreException("The store " + file + " is closed");
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.error("Rolling back a transaction on the store {} failed: {}", file, e.getMessage());
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Already failing for a better reason, which the caller reports.
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
            log.info("Store {} closed", file);
        } catch (SQLException e) {
            log.warn("Closing the store {} failed: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
