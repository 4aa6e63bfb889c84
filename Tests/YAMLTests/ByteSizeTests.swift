import Testing
import YAML

@Suite("ByteSize")
struct ByteSizeTests {
    @Test(arguments: [
        ("0", 0, "0B"),
        ("100", 100, "100B"),
        ("100B", 100, "100B"),
        ("1KB", 1_000, "1KB"),
        ("1kB", 1_000, "1KB"),
        ("512KiB", 524_288, "512KiB"),
        ("64MiB", 67_108_864, "64MiB"),
        ("1.5MiB", 1_572_864, "1536KiB"),
        ("1GB", 1_000_000_000, "1GB"),
        ("1GiB", 1_073_741_824, "1GiB"),
        ("2TB", 2_000_000_000_000, "2TB"),
        ("1TiB", 1_099_511_627_776, "1TiB"),
        ("1024KiB", 1_048_576, "1MiB"),
        ("0.5KiB", 512, "512B"),
        ("1.7B", 1, "1B"),
        ("1000000TiB", 1_099_511_627_776_000_000, "1000000TiB"),
    ])
    func parses(_ text: String, _ bytes: Int, _ canonical: String) throws {
        let size = try ByteSize(parsing: text)
        #expect(size.bytes == bytes)
        #expect(size.description == canonical)
        #expect(try ByteSize(parsing: canonical) == size)
    }

    @Test(arguments: [
        ("lots", #"expected a byte size like "64MiB", got "lots""#),
        ("", #"expected a byte size like "64MiB", got """#),
        ("64 MiB", #"expected a byte size like "64MiB", got "64 MiB""#),
        ("64mib", #"expected a byte size like "64MiB", got "64mib""#),
        ("64Mi", #"expected a byte size like "64MiB", got "64Mi""#),
        ("-1MiB", #"expected a byte size like "64MiB", got "-1MiB""#),
        ("MiB", #"expected a byte size like "64MiB", got "MiB""#),
        ("9000000TiB", #"expected a byte size below 8EiB, got "9000000TiB""#),
        ("99999999999999999999", #"expected a byte size like "64MiB", got "99999999999999999999""#),
    ])
    func rejects(_ text: String, _ message: String) {
        let error = #expect(throws: ValueParseError.self) { try ByteSize(parsing: text) }
        #expect(error?.message == message)
        #expect(ByteSize(text) == nil)
    }

    @Test func comparesByBytes() {
        #expect(ByteSize(bytes: 1_000_000) < ByteSize(bytes: 1 << 20))
        #expect(ByteSize("1MiB") == ByteSize(bytes: 1 << 20))
    }
}
