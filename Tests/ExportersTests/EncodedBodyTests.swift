import Testing
@testable import Exporters

/// What an attempt reports when its encoder left events out of the body: the backend's
/// answer decides whether they count (delivered or partially delivered: they are rejected;
/// a failure: the whole batch is retried or dropped anyway).
@Suite("Delivery: events the encoder left out")
struct EncodedBodyTests {
    static let leftOut = EncodedBody([1, 2], rejected: 3, reason: "3 points inconsistent")

    @Test("delivered becomes partially delivered with the encoder's count and reason")
    func delivered() {
        #expect(SendOutcome.delivered.addingRejected(of: Self.leftOut) == .partiallyDelivered(rejected: 3, reason: "3 points inconsistent"))
        #expect(SendOutcome.delivered.addingRejected(of: EncodedBody([1])) == .delivered)
    }

    @Test("the backend's own rejections add up with the encoder's, both reasons kept")
    func partiallyDelivered() {
        let backend = SendOutcome.partiallyDelivered(rejected: 2, reason: "server rejected 2 data points: too old")
        #expect(backend.addingRejected(of: Self.leftOut)
            == .partiallyDelivered(rejected: 5, reason: "server rejected 2 data points: too old; 3 points inconsistent"))
        #expect(backend.addingRejected(of: EncodedBody([1])) == backend)
        let huge = SendOutcome.partiallyDelivered(rejected: .max, reason: "all")
        #expect(huge.addingRejected(of: Self.leftOut) == .partiallyDelivered(rejected: .max, reason: "all; 3 points inconsistent"))
    }

    @Test("failures stay as they are")
    func failures() {
        let retry = SendOutcome.retryable(reason: "503 Service Unavailable", retryAfter: .seconds(1))
        #expect(retry.addingRejected(of: Self.leftOut) == retry)
        let refused = SendOutcome.permanent(reason: "400 Bad Request")
        #expect(refused.addingRejected(of: Self.leftOut) == refused)
    }

    @Test("an encoder that reports nothing left out gets the default: its encode() bytes")
    func defaultEncodeBody() throws {
        let batch = Harness.logs(0..<2)
        let body = try JSONLinesEncoder().encodeBody([batch])
        #expect(body == EncodedBody(try JSONLinesEncoder().encode([batch])))
        #expect(body.rejected == 0 && body.reason.isEmpty)
    }
}
