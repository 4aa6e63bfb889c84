import LogTail
import Prometheus

/// A `file_logs` source's counters on /metrics (`outrider_file_logs_*{source}`), fed with
/// the tailer's cumulative `TailStats` once per read loop, not per line.
struct FileLogsMetrics {
    private let counters: [(KeyPath<TailStats, Int>, Counter)]
    private let openFiles: Gauge
    private let trackedFiles: Gauge
    private let unreadBytes: Gauge
    private var previous = TailStats()

    init(registry: PrometheusCollectorRegistry, source: String) {
        let labels = [("source", source)]
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: .outrider("file_logs_" + name, unit: "total", help: help), labels: labels)
        }
        counters = [
            (\.bytesRead, counter("read_bytes", "Bytes read from log files.")),
            (\.lines, counter("lines", "Lines framed (a split line counts once per piece).")),
            (\.records, counter("records", "Log records sent to the pipelines.")),
            (\.blankLines, counter("blank_lines", "Empty or whitespace-only lines skipped.")),
            (\.truncatedLines, counter("lines_truncated", "Lines cut at max_line_bytes (overlong_lines: truncate).")),
            (\.splitLines, counter("lines_split", "Lines sent in pieces of max_line_bytes (overlong_lines: split).")),
            (\.unterminatedLines, counter("lines_unterminated", "Last lines sent without their newline after partial_line_timeout.")),
            (\.invalidUTF8, counter("invalid_utf8", "Invalid UTF-8 (or unpaired UTF-16) sequences replaced by U+FFFD.")),
            (\.malformed, counter("malformed_lines", "Lines that did not parse as the configured format and were sent as text.")),
            (\.multilineCut, counter("multiline_cut", "Multi-line events cut at max_lines or max_bytes.")),
            (\.rotations, counter("rotations", "Files found renamed (rotation).")),
            (\.truncations, counter("truncations", "Files found truncated (copytruncate or in place); read again from 0.")),
            (\.filesOpened, counter("files_opened", "Files opened for reading.")),
            (\.filesReleased, counter("files_released", "Rotated-away or deleted files closed after their last line.")),
            (\.readErrors, counter("read_errors", "Failed opens and reads (the file's error is on /status).")),
            (\.unreadBytesLost, counter("unread_bytes_lost", "Bytes of files deleted before they could be read (closed for max_open_files).")),
        ]
        openFiles = registry.makeGauge(
            descriptor: .outrider("file_logs_open_files", help: "Log files held open."), labels: labels)
        trackedFiles = registry.makeGauge(
            descriptor: .outrider("file_logs_tracked_files", help: "Log files being followed."), labels: labels)
        unreadBytes = registry.makeGauge(
            descriptor: .outrider(
                "file_logs_unread_bytes", help: "Tail lag: bytes in the followed files, as of their last scan, not read yet."),
            labels: labels)
    }

    mutating func update(_ stats: TailStats, open: Int, tracked: Int, unread: UInt64) {
        for (path, counter) in counters {
            let delta = stats[keyPath: path] - previous[keyPath: path]
            if delta > 0 { counter.increment(by: Int64(delta)) }
        }
        previous = stats
        openFiles.set(to: Double(open))
        trackedFiles.set(to: Double(tracked))
        unreadBytes.set(to: Double(unread))
    }
}
