package vn.loalang.systemtests.bench;

/** Something the benchmark could not measure; its message is what the person running it reads. */
final class BenchException extends Exception {
    BenchException(String message) {
        super(message);
    }
}
