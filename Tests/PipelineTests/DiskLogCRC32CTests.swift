import Telemetry
import Testing
@testable import Pipeline

@Suite("CRC32C")
struct DiskLogCRC32CTests {
    @Test("standard check value: CRC32C(\"123456789\") = 0xE3069283")
    func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test("empty input is 0")
    func empty() {
        #expect(CRC32C.checksum([]) == 0)
    }

    // RFC 3720 (iSCSI), appendix B.4.
    @Test("RFC 3720 test vectors", arguments: [
        ([UInt8](repeating: 0, count: 32), UInt32(0x8A91_36AA)),
        ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
        ((0..<32).map { UInt8($0) }, UInt32(0x46DD_794E)),
        ((0..<32).reversed().map { UInt8($0) }, UInt32(0x113F_DB5C)),
        ([0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
          0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
          0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
         UInt32(0xD996_3A56)),
    ])
    func rfc3720(input: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(input) == expected)
    }

    /// The slicing-by-8 loop against the one-bit-at-a-time definition, over every length
    /// around the 8-byte stride and every alignment of a split.
    @Test("slicing-by-8 agrees with the bitwise definition, and update() continues a checksum")
    func agreesWithBitwise() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<70 {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            let expected = bitwise(bytes)
            #expect(CRC32C.checksum(bytes) == expected, "length \(length)")
            for split in 0...length {
                let head = CRC32C.checksum(Array(bytes[..<split]))
                let whole = Array(bytes[split...]).withUnsafeBytes { CRC32C.update(head, $0) }
                #expect(whole == expected, "length \(length) split \(split)")
            }
        }
    }
}
