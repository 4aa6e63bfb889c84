import Foundation
import Testing
import TestSink
import TestSupport

@Suite("counting lines, bytes and requests over HTTP")
struct CountingTests {
    @Test func ndjsonLines() async throws {
        try await withSink { sink in
            let body = "{\"a\":1}\r\n{\"a\":2}\n\n   \n{\"a\":3}\n"
            let response = try await post("/v1/logs", port: sink.port, body: body, contentType: "application/x-ndjson; charset=utf-8")
            #expect(response.status == 200)
            #expect(response.body == "{\"lines\":3}")
            let stats = sink.stats
            #expect(stats.requests == 1)
            #expect(stats.acceptedRequests == 1)
            #expect(stats.rejectedRequests == 0)
            #expect(stats.lines == 3)
            #expect(stats.bytes == body.utf8.count)
            #expect(stats.wireBytes == body.utf8.count)
            #expect(stats.paths == ["/v1/logs": 1])
            #expect(stats.contentTypes == ["application/x-ndjson": 1])
            #expect(stats.linesWithoutSequence == 3)
        }
    }

    @Test func jsonArrayElementsAreLines() async throws {
        try await withSink { sink in
            // Brackets, braces and commas inside strings and nested values are not elements.
            let array = #"[ {"seq":1,"tags":["a","b"]}, {"seq":2,"msg":"x, y ] } {"}, {"seq":3,"n":{"m":[1,[2]]}}, "s\"]", 5 ]"#
            let response = try await post("/bulk", port: sink.port, body: array, contentType: "application/json")
            #expect(response.body == "{\"lines\":5}")
            // A single object is one line; an empty array none.
            _ = try await post("/bulk", port: sink.port, body: #"{"seq":4}"#, contentType: "application/json")
            _ = try await post("/bulk", port: sink.port, body: " [ ] ", contentType: "application/json")
            let stats = sink.stats
            #expect(stats.requests == 3)
            #expect(stats.lines == 6)
            #expect(stats.paths == ["/bulk": 3])
            #expect(stats.contentTypes == ["application/json": 3])
            let sequence = stats.streams["default"]
            #expect(sequence?.received == 4)
            #expect(sequence?.missing == 0)
            #expect(stats.linesWithoutSequence == 2)
        }
    }

    @Test func textAndOpaqueLines() async throws {
        try await withSink { sink in
            _ = try await post("/text", port: sink.port, body: "one\ntwo\nthree without newline", contentType: "text/plain")
            _ = try await post("/other", port: sink.port, body: "\u{1}\u{2}binary\nstuff", contentType: "application/octet-stream")
            _ = try await post("/none", port: sink.port, body: "x", contentType: nil)
            let stats = sink.stats
            #expect(stats.lines == 6)
            #expect(stats.contentTypes == ["text/plain": 1, "application/octet-stream": 1])
            #expect(stats.paths == ["/text": 1, "/other": 1, "/none": 1])
        }
    }

    /// Chunked transfer with chunk boundaries inside lines and inside the `"seq":` field.
    @Test func linesSplitAcrossChunks() async throws {
        try await withSink { sink in
            let body = ndjson(stream: "s", Array(1...20))
            let bytes = Array(body.utf8)
            var chunked: [UInt8] = []
            var offset = 0
            var size = 3
            while offset < bytes.count {
                let piece = bytes[offset..<min(offset + size, bytes.count)]
                chunked += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
                offset += piece.count
                size = size * 2 + 1
            }
            chunked += Array("0\r\n\r\n".utf8)
            let head = "POST /chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
            let port = sink.port
            let raw = Array(head.utf8) + chunked
            let response = try await offPool { try RawHTTP.exchange(raw, port: port) }
            #expect(response.status == 200)
            let stats = sink.stats
            #expect(stats.lines == 20)
            #expect(stats.bytes == bytes.count)
            #expect(stats.streams["s"]?.unique == 20)
            #expect(stats.streams["s"]?.isClean == true)
        }
    }

    @Test func gzipBodiesAreDecompressed() async throws {
        guard let gzip = Prerequisite.executable("gzip", installHint: "apt-get install gzip") else { return }
        try await withSink { sink in
            let body = ndjson(stream: "z", Array(1...3000))
            let compressed = try gzipBytes(body, gzip: gzip)
            let response = try await post(port: sink.port, bytes: compressed, headers: ["Content-Encoding: gzip"])
            #expect(response.status == 200)
            #expect(response.body == "{\"lines\":3000}")
            let stats = sink.stats
            #expect(stats.gzipBodies == 1)
            #expect(stats.bytes == body.utf8.count)
            #expect(stats.wireBytes == compressed.count)
            #expect(stats.streams["z"]?.unique == 3000)
            #expect(stats.streams["z"]?.isClean == true)

            // A corrupt body is a 400, and counts nothing.
            var corrupt = compressed
            corrupt[corrupt.count / 2] ^= 0xFF
            let bad = try await post(port: sink.port, bytes: corrupt, headers: ["Content-Encoding: gzip"])
            #expect(bad.status == 400)
            #expect(sink.stats.lines == 3000)
            #expect(sink.stats.rejectedByStatus == [400: 1])
        }
    }

    @Test func storedAndZlibStreams() async throws {
        try await withSink { sink in
            // gzip with one stored (uncompressed) block, built by hand: header, block, CRC, size.
            let payload = Array(ndjson([1, 2, 3]).utf8)
            var gzip: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x01]
            gzip += [UInt8(payload.count & 0xFF), UInt8(payload.count >> 8), UInt8(~payload.count & 0xFF), UInt8((~payload.count >> 8) & 0xFF)]
            gzip += payload
            let crc = crc32(payload)
            gzip += [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)]
            gzip += [UInt8(payload.count & 0xFF), UInt8(payload.count >> 8), 0, 0]
            let response = try await post(port: sink.port, bytes: gzip, headers: ["Content-Encoding: x-gzip"])
            #expect(response.status == 200)
            #expect(response.body == "{\"lines\":3}")
            // An unknown encoding is refused rather than counted as garbage.
            let brotli = try await post(port: sink.port, bytes: [1, 2, 3], headers: ["Content-Encoding: br"])
            #expect(brotli.status == 415)
            #expect(sink.stats.gzipBodies == 1)
        }
    }

    /// curl sends `Expect: 100-continue` for large bodies and waits for the interim answer.
    @Test func expectContinue() async throws {
        try await withSink { sink in
            let port = sink.port
            let raw = request("/ingest", port: port, body: Array("a\nb\n".utf8), headers: ["Expect: 100-continue"])
            let outcome = try await offPool { attempt(raw, port: port) }
            guard case .answered(let bytes) = outcome else {
                Issue.record("no answer: \(outcome)")
                return
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), "\(text)")
            #expect(sink.stats.lines == 2)
        }
    }

    @Test func manyConcurrentClients() async throws {
        try await withSink { sink in
            let port = sink.port
            let clients = 16
            let requestsEach = 10
            let linesEach = 5
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        for index in 0..<requestsEach {
                            let first = index * linesEach
                            let body = ndjson(stream: "c\(client)", Array(first..<(first + linesEach)))
                            let response = try await post(port: port, body: body)
                            #expect(response.status == 200)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stats = sink.stats
            #expect(stats.requests == clients * requestsEach)
            #expect(stats.acceptedRequests == clients * requestsEach)
            #expect(stats.lines == clients * requestsEach * linesEach)
            #expect(stats.streams.count == clients)
            for (name, report) in stats.streams {
                #expect(report.unique == requestsEach * linesEach, "\(name)")
                #expect(report.isClean, "\(name): \(report)")
                #expect(report.outOfOrder == 0, "\(name)")
            }
        }
    }
}

/// gzip(1) output as bytes (through a file: `Command` captures text).
func gzipBytes(_ text: String, gzip: String) throws -> [UInt8] {
    let directory = try TemporaryDirectory()
    let path = try directory.write("body", text)
    let result = try Command.run(gzip, ["-6", path])
    guard result.status == 0, let data = FileManager.default.contents(atPath: path + ".gz") else {
        throw RawHTTP.Failure(description: "gzip: \(result.output)")
    }
    return Array(data)
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return ~crc
}
