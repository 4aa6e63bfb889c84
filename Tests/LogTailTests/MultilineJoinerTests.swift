import Testing
@testable import LogTail

@Suite("MultilineJoiner")
struct MultilineJoinerTests {
    /// Frame a fixture, join its lines and finish; returns the events.
    func join(_ fixture: String, _ configuration: MultilineJoiner.Configuration) -> (events: [String], flags: [LineBatch.Flags], counts: MultilineJoiner.Counts) {
        var framer = LineFramer()
        var lines = LineBatch()
        framer.frame(framingFixture(fixture), into: &lines, now: .now)
        framer.finish(into: &lines)
        var joiner = MultilineJoiner(configuration)
        var events = LineBatch()
        var counts = joiner.push(lines, now: .now, into: &events)
        counts += joiner.finish(into: &events)
        #expect(counts == joiner.totals)
        return (events.map { String(decoding: $0, as: UTF8.self) }, events.entries.map(\.flags), counts)
    }

    func lines(_ fixture: String) -> [String] {
        String(decoding: framingFixture(fixture), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test("Java stack trace with start_pattern on the timestamp")
    func javaStartPattern() throws {
        let all = lines("java-stacktrace.log")
        let result = join("java-stacktrace.log", .init(mode: .startPattern(try LinePattern(#"^\d{4}-\d{2}-\d{2}"#))))
        #expect(result.events == [all[0], all[1...9].joined(separator: "\n"), all[10], all[11]])
        #expect(result.counts.events == 4)
        #expect(result.counts.linesJoined == 8)
        #expect(result.flags.allSatisfy { $0.isEmpty })
    }

    @Test("Java stack trace with continuation_pattern on frames and causes")
    func javaContinuationPattern() throws {
        let all = lines("java-stacktrace.log")
        let pattern = try LinePattern(#"^\s+at |^\s+\.\.\. \d+ more|^Caused by:|^[a-zA-Z.]+Exception|^[a-zA-Z.]+Error"#)
        let result = join("java-stacktrace.log", .init(mode: .continuationPattern(pattern)))
        #expect(result.events == [all[0], all[1...9].joined(separator: "\n"), all[10], all[11]])
    }

    @Test("Python traceback with start_pattern on the level prefix")
    func pythonStartPattern() throws {
        let all = lines("python-traceback.log")
        let result = join("python-traceback.log", .init(mode: .startPattern(try LinePattern("^[A-Z]+:"))))
        #expect(result.events == [all[0], all[1...7].joined(separator: "\n"), all[8], all[9]])
    }

    @Test("Python traceback with continuation_pattern")
    func pythonContinuationPattern() throws {
        let all = lines("python-traceback.log")
        let pattern = try LinePattern(#"^\s|^[A-Za-z.]*Error: |^Traceback"#)
        let result = join("python-traceback.log", .init(mode: .continuationPattern(pattern)))
        #expect(result.events == [all[0], all[1...7].joined(separator: "\n"), all[8], all[9]])
    }

    @Test("max_lines cuts an event, flagged and counted")
    func maxLines() throws {
        let all = lines("java-stacktrace.log")
        let result = join("java-stacktrace.log", .init(mode: .startPattern(try LinePattern(#"^\d{4}-"#)), maxLines: 4))
        #expect(result.events == [all[0], all[1...4].joined(separator: "\n"), all[5...8].joined(separator: "\n"), all[9], all[10], all[11]])
        #expect(result.flags == [[], .cut, .cut, [], [], []])
        #expect(result.counts.cutByMaxLines == 2)
    }

    @Test("max_bytes cuts an event before it grows past the limit")
    func maxBytes() throws {
        var joiner = MultilineJoiner(.init(mode: .startPattern(try LinePattern("^S")), maxBytes: 10))
        var events = LineBatch()
        let t = ContinuousClock.now
        for line in ["S1234", "abcd", "e", "Sx", "0123456789012"] {
            Array(line.utf8).withUnsafeBytes { _ = joiner.push($0, now: t, into: &events) }
        }
        joiner.finish(into: &events)
        // "S1234\nabcd" is 10 bytes; "\ne" would exceed; a lone line above the limit stays whole.
        #expect(events.map { String(decoding: $0, as: UTF8.self) } == ["S1234\nabcd", "e", "Sx", "0123456789012"])
        #expect(events.entries.map(\.flags) == [.cut, [], .cut, []])
        #expect(joiner.totals.cutByMaxBytes == 2)
    }

    @Test("timeout flushes the pending event; flags of joined lines carry over")
    func timeout() throws {
        var joiner = MultilineJoiner(.init(mode: .continuationPattern(try LinePattern(#"^\s"#)), timeout: .seconds(2)))
        var events = LineBatch()
        let t0 = ContinuousClock.now
        Array("Exception".utf8).withUnsafeBytes { _ = joiner.push($0, now: t0, into: &events) }
        Array("  at a".utf8).withUnsafeBytes { _ = joiner.push($0, flags: .truncated, now: t0 + .seconds(1), into: &events) }
        #expect(joiner.flush(now: t0 + .milliseconds(2500), into: &events).events == 0)
        let flushed = joiner.flush(now: t0 + .seconds(3), into: &events)
        #expect(flushed.events == 1)
        #expect(flushed.flushedByTimeout == 1)
        #expect(joiner.pendingLineCount == 0)
        #expect(events.count == 1)
        #expect(String(decoding: events[0], as: UTF8.self) == "Exception\n  at a")
        #expect(events.flags(at: 0) == .truncated)
        #expect(joiner.flush(now: t0 + .seconds(60), into: &events).events == 0)
        #expect(joiner.finish(into: &events).events == 0)
    }
}
